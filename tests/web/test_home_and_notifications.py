"""Each role's home page shows what to do today; the notifications inbox."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, NotificationKind
from hazards.models import Hazard
from inspections.models import Inspection
from tests.support import factories as f

HOME = reverse("home")


def test_enterprise_home_lists_overdue_first_then_by_deadline(world, login):
    today = timezone.localdate()
    later = f.make_hazard(
        enterprise=world.ent_a, by=world.inspector, deadline=today + dt.timedelta(days=20)
    )
    sooner = f.make_hazard(
        enterprise=world.ent_a, by=world.inspector, deadline=today + dt.timedelta(days=2)
    )
    overdue = f.make_hazard(
        enterprise=world.ent_a, by=world.inspector, deadline=today + dt.timedelta(days=30)
    )
    Hazard.objects.filter(pk=overdue.pk).update(deadline=today - dt.timedelta(days=1))
    pending = f.make_hazard(enterprise=world.ent_a, by=world.inspector)
    pending.submit(by=world.user_a, note="已整改")
    f.make_hazard(enterprise=world.ent_b, by=world.bureau)  # not theirs

    response = login(world.user_a).get(HOME)
    assert [h.code for h in response.context["mine"]] == [overdue.code, sooner.code, later.code]
    html = response.content.decode()
    assert "逾期 1 天" in html and "条隐患已逾期" in html
    assert 'data-testid="pending-count">1<' in html


def test_inspector_home_shows_drafts_reviews_and_overdue(world, login):
    Inspection.objects.create(enterprise=world.ent_a, kind="routine", created_by=world.inspector)
    h = f.make_hazard(enterprise=world.ent_a, by=world.inspector, person=world.user_a)
    h.submit(by=world.user_a, note="已整改")
    response = login(world.inspector).get(HOME)
    html = response.content.decode()
    assert "份检查尚未定稿" in html
    assert "条隐患已提交整改，等待复查" in html and h.code in html
    # an inspector of another department has nothing to do
    assert 'data-testid="all-clear"' in login(world.inspector_housing).get(HOME).content.decode()


def test_bureau_home_links_its_figures_to_the_ledger(world, login):
    f.make_hazard(enterprise=world.ent_a, by=world.bureau)
    html = login(world.bureau).get(HOME).content.decode()
    assert 'href="/hazards/?state=open"' in html
    assert 'href="/escalations/"' in html


def test_every_role_home_renders(world, login):
    for user in (world.bureau, world.inspector, world.user_a, world.leader_a):
        assert login(user).get(HOME).status_code == 200


def notify(user, hazard=None, text="隐患复查不合格"):
    return Notification.objects.create(
        recipient=user, kind=NotificationKind.REVIEW, message=text, hazard=hazard
    )


def test_bell_counts_unread_and_the_inbox_marks_read(world, login):
    hazard = f.make_hazard(enterprise=world.ent_a, by=world.inspector, person=world.user_a)
    first = notify(world.user_a, hazard)
    notify(world.user_a)
    notify(world.user_b)  # someone else's
    client = login(world.user_a)
    assert 'data-testid="unread-count">2<' in client.get(HOME).content.decode()
    response = client.post(reverse("notification-open", args=[first.pk]))
    assert response["Location"] == reverse("hazard-detail", args=[hazard.pk])
    first.refresh_from_db()
    assert first.read_at is not None
    assert 'data-testid="unread-count">1<' in client.get(HOME).content.decode()
    client.post(reverse("notifications-read-all"))
    assert 'data-testid="unread-count"' not in client.get(HOME).content.decode()
    assert Notification.objects.filter(recipient=world.user_b, read_at=None).count() == 1


def test_another_users_notification_is_404(world, login):
    theirs = notify(world.user_b)
    assert (
        login(world.user_a).post(reverse("notification-read", args=[theirs.pk])).status_code == 404
    )
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_never_redirects_off_site(world, login):
    mine = notify(world.user_a)
    response = login(world.user_a).post(
        reverse("notification-read", args=[mine.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("notifications")


def test_error_pages_are_chinese_and_keep_the_layout(world, login):
    client = login(world.leader_a)
    forbidden = client.get(reverse("hazard-new"))
    assert forbidden.status_code == 403
    assert "没有权限" in forbidden.content.decode()
    missing = client.get("/hazards/999999/")
    assert missing.status_code == 404
    assert "页面不存在" in missing.content.decode()
    assert 'data-testid="bell"' in missing.content.decode()
