"""Editorial workflow: an editor submits, a moderator approves and the page goes live; scheduled
publishing through Wagtail's publish_scheduled command."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from cms.editorial import MODERATORS, WORKFLOW_NAME
from cms.models import SuccessStoryPage
from tests.factories import SupplierFactory, TenderFactory, UserFactory, make_story_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    user = UserFactory(email="redaktor@pilotmarked.test")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def moderator():
    user = UserFactory(email="moderator@pilotmarked.test")
    user.groups.add(Group.objects.get(name=MODERATORS))
    return user


def _draft_story(index, owner) -> SuccessStoryPage:
    story = index.add_child(
        instance=SuccessStoryPage(
            title="Sensorer på sykkelveien",
            slug="sensorer",
            lead="Sensorer varsler is.",
            supplier=SupplierFactory(),
            tender=TenderFactory(published=True),
            live=False,
            owner=owner,
        )
    )
    story.save_revision(user=owner)
    return story


def test_the_moderation_workflow_applies_to_every_page():
    index = make_story_index()

    workflow = index.get_workflow()

    assert workflow.name == WORKFLOW_NAME
    task = workflow.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == [MODERATORS]


def test_editor_may_edit_but_not_publish_and_moderator_may_publish(editor, moderator):
    index = make_story_index()

    assert index.permissions_for_user(editor).can_add_subpage()
    assert not index.permissions_for_user(editor).can_publish()
    assert index.permissions_for_user(moderator).can_publish()


def test_editor_submits_moderator_approves_and_the_story_is_public(client, editor, moderator):
    index = make_story_index()
    story = _draft_story(index, editor)
    assert client.get(f"{index.url}sensorer/").status_code == 404

    # the editor submits for moderation
    workflow_state = story.get_workflow().start(story, editor)
    task_state = workflow_state.current_task_state
    task = task_state.task.specific
    assert [name for name, *_ in task.get_actions(story, editor)] == []
    assert "approve" in [name for name, *_ in task.get_actions(story, moderator)]

    # the moderator approves
    task.on_action(task_state, moderator, "approve")

    story.refresh_from_db()
    workflow_state.refresh_from_db()
    assert workflow_state.status == workflow_state.STATUS_APPROVED
    assert story.live
    response = client.get(story.url)
    assert response.status_code == 200
    assert "Sensorer på sykkelveien" in response.content.decode()


def test_moderator_can_reject_and_the_story_stays_a_draft(client, editor, moderator):
    story = _draft_story(make_story_index(), editor)
    workflow_state = story.get_workflow().start(story, editor)
    task_state = workflow_state.current_task_state

    task_state.task.specific.on_action(task_state, moderator, "reject")

    story.refresh_from_db()
    assert not story.live
    workflow_state.refresh_from_db()
    assert workflow_state.status == workflow_state.STATUS_NEEDS_CHANGES


def test_scheduled_publishing_goes_live_when_publish_scheduled_runs(client, moderator):
    story = _draft_story(make_story_index(), moderator)
    story.go_live_at = timezone.now() + datetime.timedelta(hours=2)
    revision = story.save_revision(user=moderator)
    revision.publish(user=moderator)
    story.refresh_from_db()
    assert not story.live

    # two hours later (moved back in the database instead of moving the clock)
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    call_command("publish_scheduled")

    story.refresh_from_db()
    assert story.live
    assert client.get(story.url).status_code == 200
