"""StreamField blocks that can only produce accessible markup.

- Headings: the level is a choice of h2–h4 (the page title is the only h1), never free HTML.
- Paragraphs: rich text without heading features, so headings only come from ``HeadingBlock``.
- Images: alt text is required (``AccessibleImageBlock``); decorative images have no place in a
  story body.
- Video: the embed needs a title (for the iframe) and a transcript.
- Links: a link needs its own visible text; "click here" is refused.
- Thresholds: the procurement thresholds table comes from ``tenders.Threshold``, the same rows
  the tenders use, never retyped.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from tenders.models import Threshold

PARAGRAPH_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]
VAGUE_LINK_TEXTS = {
    "click here",
    "here",
    "read more",
    "more",
    "link",
    "klikk her",
    "her",
    "les mer",
    "mer",
    "lenke",
}


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("heading"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("level"),
        choices=[("h2", _("Level 2")), ("h3", _("Level 3")), ("h4", _("Level 4"))],
        default="h2",
        help_text=_("The page title is level 1; use levels in order."),
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "cms/blocks/heading.html"


class AccessibleImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(
        label=_("alternative text"),
        max_length=300,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=300)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/image.html"

    def clean(self, value):
        value = super().clean(value)
        if not (value.get("alt_text") or "").strip():
            raise StructBlockValidationError(
                block_errors={"alt_text": ValidationError(_("Describe the image."))}
            )
        return value


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("quote"), max_length=1000)
    attribution = blocks.CharBlock(label=_("attribution"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "cms/blocks/quote.html"


class FactBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("label"), max_length=100)
    value = blocks.CharBlock(label=_("value"), max_length=200)


class FactsBoxBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=100)
    facts = blocks.ListBlock(FactBlock(), label=_("facts"), min_num=1)

    class Meta:
        icon = "list-ul"
        label = _("Facts box")
        template = "cms/blocks/facts_box.html"


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("video address"))
    title = blocks.CharBlock(
        label=_("title"), max_length=200, help_text=_("Names the video for screen readers.")
    )
    transcript = blocks.TextBlock(
        label=_("transcript"),
        help_text=_("What is said and shown, for people who cannot hear or see the video."),
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "cms/blocks/video.html"


class LinkBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock(label=_("page"), required=False)
    url = blocks.URLBlock(label=_("web address"), required=False)
    text = blocks.CharBlock(
        label=_("link text"),
        max_length=150,
        help_text=_("Says where the link goes, also when read on its own."),
    )

    class Meta:
        icon = "link"
        label = _("Link")
        template = "cms/blocks/link.html"

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        if bool(value.get("page")) == bool(value.get("url")):
            errors["url"] = ValidationError(_("Choose a page or enter a web address, not both."))
        text = " ".join((value.get("text") or "").split()).strip(" .").lower()
        if text in VAGUE_LINK_TEXTS:
            errors["text"] = ValidationError(
                _("Write where the link goes instead of “%(text)s”."),
                params={"text": value.get("text")},
            )
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class LinkListBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=100)
    links = blocks.ListBlock(LinkBlock(), label=_("links"), min_num=1)

    class Meta:
        icon = "list-ul"
        label = _("Link list")
        template = "cms/blocks/link_list.html"


class ThresholdsTableBlock(blocks.StaticBlock):
    """The procurement thresholds in force today, from the table the tenders use."""

    class Meta:
        icon = "table"
        label = _("Current procurement thresholds")
        admin_text = _("Shows the thresholds in force, from the tenders' threshold table.")
        template = "cms/blocks/thresholds_table.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["thresholds"] = current_thresholds()
        return context


def current_thresholds(day: datetime.date | None = None) -> list[Threshold]:
    """The newest threshold row per contract type valid on ``day`` (today in Oslo)."""
    day = day or timezone.localdate()
    newest: dict[str, Threshold] = {}
    for threshold in Threshold.objects.valid_on(day).order_by("contract_type", "-valid_from"):
        newest.setdefault(threshold.contract_type, threshold)
    return list(newest.values())


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("question"), max_length=300)
    answer = blocks.RichTextBlock(label=_("answer"), features=PARAGRAPH_FEATURES)

    class Meta:
        icon = "help"
        label = _("Question and answer")
        template = "cms/blocks/question.html"


class BodyBlock(blocks.StreamBlock):
    """The body of stories, guides, news and the accessibility statement."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"), features=PARAGRAPH_FEATURES, template="cms/blocks/paragraph.html"
    )
    image = AccessibleImageBlock()
    quote = QuoteBlock()
    facts = FactsBoxBlock()
    video = VideoBlock()
    links = LinkListBlock()


class GuideBodyBlock(BodyBlock):
    thresholds = ThresholdsTableBlock()


class FAQBlock(blocks.StreamBlock):
    """Each question is a level-2 heading with its answer under it."""

    question = QuestionBlock()
