/* Rows of a Django formset added and removed on the page (the tender form's lots, criteria and
   requirements). Progressive enhancement: without this file each save gives one blank row and
   "Delete" removes one, as before.

   Markup (templates/tenders/buyer/_formset.html): a fieldset [data-formset=<prefix>] with the
   management form, items [data-formset-item], a <template data-formset-empty> holding the
   formset's empty_form (prefix "__prefix__", number "__number__"), and the labels of the buttons
   in data-add-label / data-remove-label (with "__number__").

   "Add" clones the empty form with the next index, raises TOTAL_FORMS and moves focus to the new
   row's first field. "Remove" ticks the row's DELETE box and hides the row, so the server deletes
   a saved row and ignores a new one; the numbers shown are renumbered, the indexes are not. */
(function () {
  "use strict";

  function numberItems(fieldset) {
    var shown = 0;
    fieldset.querySelectorAll("[data-formset-item]").forEach(function (item) {
      if (item.hidden) {
        return;
      }
      shown += 1;
      var number = item.querySelector("[data-formset-number]");
      if (number) {
        number.textContent = String(shown);
      }
      var remove = item.querySelector("[data-formset-remove]");
      if (remove) {
        remove.textContent = fieldset.dataset.removeLabel.replace("__number__", String(shown));
      }
    });
    return shown;
  }

  function announce(fieldset, text) {
    var status = fieldset.querySelector("[data-formset-status]");
    if (status) {
      status.textContent = text;
    }
  }

  function enhanceItem(fieldset, item) {
    var deleteBox = item.querySelector('input[type="checkbox"][name$="-DELETE"]');
    if (!deleteBox) {
      return;
    }
    var field = deleteBox.closest(".ds-field") || deleteBox.parentElement;
    field.hidden = true;
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "ds-button";
    remove.dataset.variant = "tertiary";
    remove.dataset.size = "sm";
    remove.dataset.formsetRemove = "";
    remove.addEventListener("click", function () {
      var heading = item.querySelector("h3");
      var label = heading ? heading.textContent.trim() : "";
      deleteBox.checked = true;
      item.hidden = true;
      numberItems(fieldset);
      announce(fieldset, fieldset.dataset.removedLabel.replace("__item__", label));
      fieldset.querySelector("[data-formset-add]").focus();
    });
    item.appendChild(remove);
  }

  function enhance(fieldset) {
    var prefix = fieldset.dataset.formset;
    var total = fieldset.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var max = fieldset.querySelector('input[name="' + prefix + '-MAX_NUM_FORMS"]');
    var template = fieldset.querySelector("template[data-formset-empty]");
    if (!total || !template) {
      return;
    }
    fieldset.querySelectorAll("[data-formset-item]").forEach(function (item) {
      enhanceItem(fieldset, item);
    });
    var hint = fieldset.querySelector("[data-formset-hint]");
    if (hint) {
      hint.hidden = true;
    }
    var add = document.createElement("button");
    add.type = "button";
    add.className = "ds-button";
    add.dataset.variant = "secondary";
    add.dataset.formsetAdd = "";
    add.textContent = fieldset.dataset.addLabel;
    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) {
        announce(fieldset, fieldset.dataset.fullLabel);
        return;
      }
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var item = holder.firstElementChild;
      add.before(item);
      total.value = String(index + 1);
      enhanceItem(fieldset, item);
      if (window.PilotmarkedCpvPicker) {
        window.PilotmarkedCpvPicker.start(); // the new row's CPV picker (static/js/cpv-picker.js)
      }
      var shown = numberItems(fieldset);
      var first = item.querySelector("input:not([type=hidden]), select, textarea");
      if (first) {
        first.focus();
      }
      announce(fieldset, fieldset.dataset.addedLabel.replace("__number__", String(shown)));
    });
    var status = document.createElement("p");
    status.className = "ds-sr-only";
    status.setAttribute("role", "status");
    status.dataset.formsetStatus = "";
    template.after(add);
    add.after(status);
    numberItems(fieldset);
  }

  document.querySelectorAll("fieldset[data-formset]").forEach(enhance);
})();
