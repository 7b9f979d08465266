"""The SSH keys page says where the user's keys go, cluster by cluster."""

from ganeti_webmgr.permissions.grants import add_permission
from ganeti_webmgr.vmkeys.feed import rotate_token
from ganeti_webmgr.vmkeys.models import KeyParameter

URL = "/accounts/profile/keys/"


def destinations(client, user):
    client.force_login(user)
    page = client.get(URL).content.decode()
    return " ".join(page.split("data-key-destinations", 1)[1].split("</section>", 1)[0].split())


def test_nothing_set_up_says_so(client, cast):
    text = destinations(client, cast["people"]["bob"])
    assert "No cluster you use does anything with these keys yet" in text
    assert "These keys are installed" not in client.get(URL).content.decode()


def test_the_feed_and_the_mapping_are_named(client, cast):
    bob = cast["people"]["bob"]
    rotate_token(cast["cluster"])
    KeyParameter.objects.create(
        cluster=cast["cluster"], os="image", parameter="ssh_key", declared=["ssh_key"]
    )
    text = destinations(client, bob)
    assert "<strong>a</strong>: its key feed gives them to the VMs you administer" in text
    assert "ssh_key" not in text  # bob may not create VMs on a
    add_permission(cast["cluster"], bob, "create_vm")
    text = destinations(client, bob)
    assert (
        "when you create a VM with <code>image</code>, your keys go into its OS parameter "
        "<code>ssh_key</code> (all keys, one authorized_keys line each); its key feed"
    ) in text


def test_clusters_one_does_not_see_are_not_named(client, cast):
    rotate_token(cast["cluster"])
    text = destinations(client, cast["people"]["charlie"])
    assert "No cluster you use" in text and "<strong>a</strong>" not in text
