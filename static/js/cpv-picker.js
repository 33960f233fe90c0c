// CPV picker: turns the widget's <select multiple> into a WAI-ARIA 1.2 combobox (editable, list
// autocomplete) over /api/cpv/, with the chosen codes as removable buttons. The select stays in
// the form, hidden, and is kept in sync, so the form posts exactly what it posts without this
// file. A single-choice picker (CpvPickerWidget(multiple=False): a <select> without "multiple")
// replaces the chosen code instead of adding one. Every picker on the page is started when the page
// loads; window.PilotmarkedCpvPicker.start() starts pickers added later (e.g. a new formset row).
// See marketplace/widgets.py.
(function () {
  "use strict";
  if (window.PilotmarkedCpvPicker) {
    return; // the widget template includes this file once per picker
  }

  var DEBOUNCE_MS = 250;
  var counter = 0;

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : match;
    });
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) {
      node.setAttribute(key, attributes[key]);
    });
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function optionLabel(option) {
    // Option text is "<code> <name>"
    var text = option.textContent;
    return { code: option.value, name: text.slice(text.indexOf(" ") + 1) };
  }

  function Picker(root) {
    var self = this;
    this.root = root;
    this.text = root.dataset;
    this.select = root.querySelector("select");
    this.single = !this.select.multiple;
    this.results = [];
    this.active = -1;
    this.timer = null;
    this.request = 0;
    var uid = "cpv-picker-" + ++counter;
    var selectId = this.select.id || uid;

    // The field's <label for> and help/error descriptions now belong to the text box.
    this.input = element("input", {
      type: "text",
      id: selectId,
      class: "ds-input cpv-picker__input",
      role: "combobox",
      "aria-autocomplete": "list",
      "aria-expanded": "false",
      "aria-controls": uid + "-listbox",
      autocomplete: "off",
      placeholder: this.text.textSearch,
    });
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (self.select.hasAttribute(name)) {
        self.input.setAttribute(name, self.select.getAttribute(name));
      }
    });
    this.select.id = selectId + "-select";
    this.select.hidden = true;
    this.select.setAttribute("aria-hidden", "true");
    this.select.tabIndex = -1;
    var hint = root.querySelector("[data-cpv-picker-hint]");
    if (hint) {
      hint.hidden = true;
    }

    this.listbox = element("ul", {
      id: uid + "-listbox",
      role: "listbox",
      class: "cpv-picker__listbox",
      "aria-label": this.text.textSearch,
    });
    this.listbox.hidden = true;
    this.status = element("div", { role: "status", class: "cpv-picker__status" });
    this.chipsHeading = element("p", { id: uid + "-chosen", class: "cpv-picker__chosen-label" }, this.text.textSelected);
    this.chips = element("ul", { class: "cpv-picker__chips", "aria-labelledby": uid + "-chosen" });

    var box = element("div", { class: "cpv-picker__box" });
    box.appendChild(this.input);
    box.appendChild(this.listbox);
    root.insertBefore(box, this.select);
    root.appendChild(this.status);
    root.appendChild(this.chipsHeading);
    root.appendChild(this.chips);

    this.input.addEventListener("input", function () {
      self.search();
    });
    this.input.addEventListener("keydown", function (event) {
      self.onKey(event);
    });
    this.input.addEventListener("blur", function () {
      // Let a click on an option land first.
      window.setTimeout(function () {
        self.close();
      }, 150);
    });
    this.listbox.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep focus in the text box
    });
    this.listbox.addEventListener("click", function (event) {
      var item = event.target.closest("[role=option]");
      if (item) {
        self.choose(Number(item.dataset.index));
      }
    });
    this.renderChips();
  }

  Picker.prototype.search = function () {
    var self = this;
    var query = this.input.value.trim();
    window.clearTimeout(this.timer);
    if (!query) {
      this.results = [];
      this.close();
      return;
    }
    this.timer = window.setTimeout(function () {
      var ticket = ++self.request;
      var url = self.text.apiUrl + "?q=" + encodeURIComponent(query) + "&lang=" + self.text.lang;
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        })
        .then(function (data) {
          if (ticket === self.request) {
            self.show(data.results || [], data.count || 0);
          }
        })
        .catch(function () {
          if (ticket === self.request) {
            self.select.hidden = false;
            self.select.removeAttribute("aria-hidden");
            self.select.removeAttribute("tabindex");
            self.announce(self.text.textError);
          }
        });
    }, DEBOUNCE_MS);
  };

  Picker.prototype.isChosen = function (code) {
    var option = this.findOption(code);
    return Boolean(option && option.selected);
  };

  Picker.prototype.findOption = function (code) {
    return this.select.querySelector('option[value="' + code + '"]');
  };

  Picker.prototype.show = function (results, count) {
    var self = this;
    this.results = results;
    this.active = -1;
    this.listbox.textContent = "";
    results.forEach(function (result, index) {
      var item = element("li", {
        id: self.listbox.id + "-" + index,
        role: "option",
        class: "cpv-picker__option",
        "aria-selected": self.isChosen(result.code) ? "true" : "false",
        "data-index": String(index),
      });
      item.appendChild(element("span", { class: "cpv-picker__code" }, result.code));
      item.appendChild(document.createTextNode(" " + result.name));
      self.listbox.appendChild(item);
    });
    if (results.length) {
      this.listbox.hidden = false;
      this.input.setAttribute("aria-expanded", "true");
    } else {
      this.close();
    }
    var template = count === 0 ? this.text.textFoundNone : count === 1 ? this.text.textFoundOne : this.text.textFoundOther;
    this.announce(fill(template, { count: count }));
  };

  Picker.prototype.close = function () {
    this.listbox.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.active = -1;
  };

  Picker.prototype.move = function (step) {
    if (!this.results.length) {
      return;
    }
    if (this.listbox.hidden) {
      this.listbox.hidden = false;
      this.input.setAttribute("aria-expanded", "true");
    }
    var items = this.listbox.children;
    if (this.active >= 0) {
      items[this.active].classList.remove("is-active");
    }
    this.active = (this.active + step + items.length) % items.length;
    var item = items[this.active];
    item.classList.add("is-active");
    item.scrollIntoView({ block: "nearest" });
    this.input.setAttribute("aria-activedescendant", item.id);
  };

  Picker.prototype.onKey = function (event) {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      this.move(1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      this.move(-1);
    } else if (event.key === "Enter") {
      // Enter in the picker never submits the surrounding form (it saved unfinished drafts):
      // it chooses the highlighted option, or the only one listed, or does nothing.
      event.preventDefault();
      if (!this.listbox.hidden && this.active >= 0) {
        this.choose(this.active);
      } else if (!this.listbox.hidden && this.results.length === 1) {
        this.choose(0);
      }
    } else if (event.key === "Escape") {
      if (!this.listbox.hidden) {
        event.preventDefault();
        this.close();
      } else if (this.input.value) {
        event.preventDefault();
        this.input.value = "";
      }
    }
  };

  Picker.prototype.choose = function (index) {
    var result = this.results[index];
    if (!result) {
      return;
    }
    var option = this.findOption(result.code);
    if (!option) {
      option = element("option", { value: result.code }, result.code + " " + result.name);
      this.select.appendChild(option);
    }
    if (this.single) {
      option.selected = true; // a single select drops the previous choice by itself
      Array.prototype.forEach.call(this.listbox.children, function (item, position) {
        item.setAttribute("aria-selected", position === index ? "true" : "false");
      });
    } else {
      option.selected = !option.selected;
      this.listbox.children[index].setAttribute("aria-selected", option.selected ? "true" : "false");
    }
    this.select.dispatchEvent(new Event("change", { bubbles: true }));
    this.renderChips();
    var template = option.selected ? this.text.textAdded : this.text.textRemoved;
    this.announce(fill(template, { code: result.code, name: result.name }));
    if (this.single) {
      this.close();
      this.input.value = "";
    }
  };

  Picker.prototype.renderChips = function () {
    var self = this;
    this.chips.textContent = "";
    var chosen = Array.prototype.filter.call(this.select.options, function (option) {
      return option.selected && option.value !== "";
    });
    if (!chosen.length) {
      this.chips.appendChild(element("li", { class: "cpv-picker__none" }, this.text.textNone));
      return;
    }
    chosen.forEach(function (option) {
      var label = optionLabel(option);
      var item = element("li");
      var button = element("button", {
        type: "button",
        class: "ds-chip cpv-picker__chip",
        "data-removable": "true",
        "aria-label": fill(self.text.textRemove, label),
      });
      button.appendChild(element("span", { class: "cpv-picker__code" }, label.code));
      button.appendChild(document.createTextNode(" " + label.name));
      button.addEventListener("click", function () {
        if (self.single) {
          self.select.value = ""; // the empty choice
        } else {
          option.selected = false;
        }
        self.select.dispatchEvent(new Event("change", { bubbles: true }));
        self.renderChips();
        self.announce(fill(self.text.textRemoved, label));
        self.input.focus();
      });
      item.appendChild(button);
      self.chips.appendChild(item);
    });
  };

  Picker.prototype.announce = function (message) {
    this.status.textContent = message;
  };

  function start() {
    document.querySelectorAll("[data-cpv-picker]").forEach(function (root) {
      if (!root.dataset.cpvPickerReady) {
        root.dataset.cpvPickerReady = "true";
        new Picker(root);
      }
    });
  }

  window.PilotmarkedCpvPicker = { start: start };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
