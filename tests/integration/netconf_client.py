#!/usr/bin/python3
"""NETCONF client steps for test_netconf.sh and test_netconf_pyez.sh, with the
clients from Debian: python3-ncclient and python3-junos-eznc (PyEZ).

    netconf_client.py STEP HOST PORT USER KEYFILE [ARGS...]

Each step connects over SSH (the `netconf` subsystem on PORT), does one
scenario, prints what it saw and exits 0 when every check held."""
import sys
import time

from lxml import etree

step, host, port, user, key = sys.argv[1:6]
args = sys.argv[6:]
NS = {"nc": "urn:ietf:params:xml:ns:netconf:base:1.0"}


def connect():
    from ncclient import manager
    return manager.connect(host=host, port=int(port), username=user, key_filename=key,
                           hostkey_verify=False, look_for_keys=False, allow_agent=False,
                           timeout=60, device_params={"name": "default"})


def vlan_xml(name, vid):
    return ("<config><configuration><host-os><vlans><vlan><name>%s</name>"
            "<vlan-id>%s</vlan-id></vlan></vlans></host-os></configuration></config>" % (name, vid))


def has_vlan(m, source, name):
    r = m.get_config(source=source, filter=("subtree",
                     "<configuration><host-os><vlans/></host-os></configuration>"))
    x = etree.fromstring(r.xml.encode())
    return name in x.xpath("//*[local-name()='vlan']/*[local-name()='name']/text()")


def rpc_error(fn):
    from ncclient.operations import RPCError
    try:
        fn()
    except RPCError as e:
        # several <rpc-error>s: the first (the finding), as the CLI prints it first
        errs = getattr(e, "errors", None)
        return errs[0] if errs and len(errs) > 1 else e
    return None


if step == "basic":
    # edit-config -> validate -> commit; get-config running and candidate
    with connect() as m:
        caps = list(m.server_capabilities)
        assert "urn:ietf:params:netconf:base:1.1" in caps, caps
        assert any("module=nfx-jdm" in c for c in caps), caps
        print("session-id", m.session_id)
        r = m.get_config(source="running")
        x = etree.fromstring(r.xml.encode())
        conf = x.find("nc:data/nc:configuration", NS)
        if conf is None:
            conf = x.xpath("//*[local-name()='configuration']")[0]
        assert conf is not None, r.xml
        assert "$6$nfxtest" in r.xml, "super-user does not see the secret"
        m.edit_config(target="candidate", config=vlan_xml("v200", 200))
        assert has_vlan(m, "candidate", "v200")
        assert not has_vlan(m, "running", "v200")
        m.validate(source="candidate")
        m.commit()
        assert has_vlan(m, "running", "v200"), "v200 not committed"
        # delete by operation, discard-changes
        m.edit_config(target="candidate", config=(
            '<config><configuration><host-os><vlans><vlan operation="delete" '
            'xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"><name>v200</name></vlan>'
            '</vlans></host-os></configuration></config>'))
        assert not has_vlan(m, "candidate", "v200")
        m.discard_changes()
        assert has_vlan(m, "candidate", "v200")
        # lock / unlock of our own
        m.lock("candidate")
        m.edit_config(target="candidate", config=vlan_xml("v201", 201))
        m.commit()
        m.unlock("candidate")
        assert has_vlan(m, "running", "v201")
    print("basic ok")

elif step == "lock-denied":
    # a CLI user holds `configure exclusive` (pid ARGS[0])
    with connect() as m:
        e = rpc_error(lambda: m.lock("candidate"))
        assert e is not None, "lock granted while a CLI user holds it"
        print("lock error:", e.tag, e.info)
        assert e.tag == "lock-denied", e.tag
        sid = etree.fromstring(e.info.encode()).xpath("//*[local-name()='session-id']/text()")
        assert sid == [args[0]], (sid, args[0])
        e = rpc_error(lambda: m.edit_config(target="candidate", config=vlan_xml("v202", 202)))
        assert e is not None, "edit-config went through another's lock"
        print("edit under lock:", e.tag, e.message)
    print("lock-denied ok")

elif step == "read-only":
    with connect() as m:
        r = m.get_config(source="running")
        assert "v200" in r.xml, r.xml
        # secrets only with the secret permission: hidden from read-only
        assert "$6$nfxtest" not in r.xml, "read-only user sees a secret"
        assert "SECRET-DATA" in r.xml, r.xml
        e = rpc_error(lambda: m.edit_config(target="candidate", config=vlan_xml("v203", 203)))
        assert e is not None, "read-only edit-config accepted"
        print("read-only edit:", e.tag, e.message)
        assert e.tag == "access-denied", e.tag
        e = rpc_error(lambda: m.commit())
        assert e is not None and e.tag == "access-denied", e and e.tag
    print("read-only ok")

elif step == "errors":
    with connect() as m:
        e = rpc_error(lambda: m.edit_config(target="candidate", config=vlan_xml("v204", 5000)))
        assert e is not None and e.tag == "invalid-value", e and e.tag
        assert e.path == "[edit host-os vlans v204 vlan-id]", e.path
        assert "not within range" in e.message, e.message
        e = rpc_error(lambda: m.edit_config(target="candidate", config=(
            "<config><configuration><host-os><bogus/></host-os></configuration></config>")))
        assert e is not None and e.tag == "unknown-element", e and e.tag
        assert e.path == "[edit host-os]", e.path
        assert not has_vlan(m, "candidate", "v204")
        # a commit check failure carries the [edit ...] path the CLI prints
        m.edit_config(target="candidate", config=(
            "<config><configuration><host-os><vlans><vlan><name>v205</name></vlan>"
            "</vlans></host-os></configuration></config>"))
        e = rpc_error(lambda: m.validate(source="candidate"))
        assert e is not None, "validate passed without the mandatory vlan-id"
        print("validate:", e.tag, e.path, e.message)
        assert e.path == "[edit host-os vlans v205]", e.path
        m.discard_changes()
        # create of what exists, delete of what does not
        NCOP = 'xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"'
        e = rpc_error(lambda: m.edit_config(target="candidate", config=(
            '<config><configuration><host-os><vlans><vlan nc:operation="create" %s>'
            '<name>v200</name><vlan-id>200</vlan-id></vlan></vlans></host-os></configuration>'
            '</config>' % NCOP)))
        assert e is not None and e.tag == "data-exists", e and e.tag
        assert e.path == "[edit host-os vlans v200]", e.path
        e = rpc_error(lambda: m.edit_config(target="candidate", config=(
            '<config><configuration><host-os><vlans><vlan nc:operation="delete" %s>'
            '<name>v999</name></vlan></vlans></host-os></configuration></config>' % NCOP)))
        assert e is not None and e.tag == "data-missing", e and e.tag
        m.edit_config(target="candidate", config=(
            '<config><configuration><host-os><vlans><vlan nc:operation="remove" %s>'
            '<name>v999</name></vlan></vlans></host-os></configuration></config>' % NCOP))
        m.edit_config(target="candidate", config=(
            '<config><configuration><host-os><vlans><vlan nc:operation="create" %s>'
            '<name>v206</name><vlan-id>206</vlan-id></vlan></vlans></host-os></configuration>'
            '</config>' % NCOP))
        assert has_vlan(m, "candidate", "v206")
        m.discard_changes()
    print("errors ok")

elif step == "cancel":
    # cancel-commit undoes a pending confirmed commit; without one it is an error
    with connect() as m:
        e = rpc_error(lambda: m.cancel_commit())
        assert e is not None, "cancel-commit without a confirmed commit"
        m.edit_config(target="candidate", config=vlan_xml("v298", 298))
        m.commit(confirmed=True, timeout="300")
        assert has_vlan(m, "running", "v298")
        m.cancel_commit()
        assert not has_vlan(m, "running", "v298"), "cancel-commit kept the change"
        e = rpc_error(lambda: m.cancel_commit())
        assert e is not None, "a second cancel-commit"
    print("cancel ok")

elif step == "confirmed":
    # a confirmed commit that is not confirmed rolls itself back
    with connect() as m:
        m.edit_config(target="candidate", config=vlan_xml("v299", 299))
        m.commit(confirmed=True, timeout="60")
        assert has_vlan(m, "running", "v299")
    with connect() as m:
        deadline = time.time() + 200
        while time.time() < deadline and has_vlan(m, "running", "v299"):
            time.sleep(2)
        assert not has_vlan(m, "running", "v299"), "confirmed commit not rolled back"
    print("confirmed ok")

elif step == "kill":
    # one session holds the lock; another kills it; the lock is free again
    a = connect()  # ends killed: no close-session for it
    with connect() as b:
        a.lock("candidate")
        e = rpc_error(lambda: b.lock("candidate"))
        assert e is not None and e.tag == "lock-denied", e and e.tag
        b.kill_session(a.session_id)
        deadline = time.time() + 30
        while time.time() < deadline:
            if rpc_error(lambda: b.lock("candidate")) is None:
                break
            time.sleep(0.2)
        else:
            raise AssertionError("the killed session still holds the lock")
        b.unlock("candidate")
    print("kill ok")

elif step == "hold":
    # a session that stays open: its session-id into ARGS[0], until killed
    with connect() as m:
        open(args[0] + ".tmp", "w").write(m.session_id)
        import os
        os.rename(args[0] + ".tmp", args[0])
        time.sleep(120)
    print("hold ended")

elif step == "kill-denied":
    # a user cannot end another user's session (ARGS[0]: its session-id)
    with connect() as m:
        e = rpc_error(lambda: m.kill_session(args[0]))
        assert e is not None and e.tag == "access-denied", e and e.tag
    print("kill-denied ok")

elif step == "notify":
    with connect() as m:
        m.create_subscription()
        m.edit_config(target="candidate", config=vlan_xml("v210", 210))
        m.commit()
        n = m.take_notification(timeout=30)
        assert n is not None, "no notification"
        x = etree.fromstring(n.notification_xml.encode())
        u = x.xpath("//*[local-name()='netconf-config-change']/*[local-name()='changed-by']"
                    "/*[local-name()='username']/text()")
        assert u == [user], (u, n.notification_xml)
    print("notify ok")

elif step == "schema":
    with connect() as m:
        r = m.get_schema("nfx-jdm")
        x = etree.fromstring(r.xml.encode())
        text = "".join(x.xpath("//*[local-name()='data']/text()"))
        assert text.startswith("module nfx-jdm"), text[:200]
        open(args[0], "w").write(text)
        r = m.get(filter=("subtree", '<netconf-state xmlns="urn:ietf:params:xml:ns:yang:'
                          'ietf-netconf-monitoring"><schemas/></netconf-state>'))
        ids = etree.fromstring(r.xml.encode()).xpath("//*[local-name()='identifier']/text()")
        assert "nfx-jdm" in ids and "nfx-jcp" in ids, r.xml
    print("schema ok")

elif step == "pyez":
    # Junos automation as PyEZ does it
    import warnings
    warnings.simplefilter("ignore")
    from jnpr.junos import Device
    from jnpr.junos.utils.config import Config
    dev = Device(host=host, port=int(port), user=user, ssh_private_key_file=key)
    dev.open()
    print("facts hostname:", dev.facts.get("hostname"), "version:", dev.facts.get("version"))
    cu = Config(dev)
    cu.load("set host-os vlans v300 vlan-id 300\nset system host-name pyez-box", format="set")
    diff = cu.diff()
    print("diff:", diff)
    assert diff and "v300" in diff, diff
    cu.pdiff()
    assert cu.commit_check() is True
    assert cu.commit(comment="from pyez") is True
    conf = dev.rpc.get_config()
    assert conf.tag == "configuration", conf.tag
    assert conf.xpath("host-os/vlans/vlan[name='v300']/vlan-id/text()") == ["300"], etree.tostring(conf)
    filt = dev.rpc.get_config(filter_xml="<system><host-name/></system>")
    assert filt.findtext("system/host-name") == "pyez-box", etree.tostring(filt)
    assert filt.find("host-os") is None, etree.tostring(filt)
    # text and set formats
    t = dev.rpc.get_config(options={"format": "text"})
    assert "vlan-id 300;" in t.text, t.text
    st = dev.rpc.get_config(options={"format": "set"})
    assert "set host-os vlans v300 vlan-id 300" in st.text, st.text
    # an XML load, then rollback(1) to before it without committing
    cu.load("<configuration><host-os><vlans><vlan><name>v301</name><vlan-id>301</vlan-id>"
            "</vlan></vlans></host-os></configuration>", format="xml")
    assert "v301" in (cu.diff() or "")
    cu.rollback(0)
    assert cu.diff() is None, cu.diff()
    out = dev.cli("show virtual-network-functions", warning=False)
    print("cli:", out)
    assert "Name" in out or "VNF" in out, out
    vi = dev.rpc.get_virtual_network_functions_information()
    assert vi.tag == "virtual-network-functions-information", vi.tag
    from jnpr.junos.exception import RpcError
    try:
        dev.rpc.get_virtual_network_functions_information(name="nosuch", detail=True)
        raise AssertionError("a VNF that does not exist")
    except RpcError as e:
        assert "does not exist" in str(e), e
    sw = dev.rpc.get_software_information()
    assert sw.findtext("host-name") == "pyez-box", etree.tostring(sw)
    # commit, then rollback(1) + commit undoes it
    cu.load("set host-os vlans v302 vlan-id 302", format="set")
    cu.commit(comment="v302")
    cu.rollback(1)
    cu.commit(comment="undo v302")
    conf = dev.rpc.get_config(options={"database": "committed"})
    assert not conf.xpath("host-os/vlans/vlan[name='v302']"), etree.tostring(conf)
    assert conf.xpath("host-os/vlans/vlan[name='v300']")
    # a bad load is a ConfigLoadError, and changes nothing
    from jnpr.junos.exception import ConfigLoadError, LockError
    try:
        cu.load("set host-os vlans v303 vlan-id 9999", format="set")
        raise AssertionError("bad load accepted")
    except ConfigLoadError as e:
        print("load error:", e)
    cu.rollback(0)
    # lock / unlock
    cu.lock()
    cu.unlock()
    # a private candidate (open-configuration <private/>), and exclusive
    with Config(dev, mode="private") as cp:
        cp.load("set host-os vlans v304 vlan-id 304", format="set")
        assert "v304" in (cp.diff() or "")
        cp.commit(comment="private")
    with Config(dev, mode="exclusive") as cx:
        cx.load("set host-os vlans v305 vlan-id 305", format="set")
        cx.commit(comment="exclusive")
    conf = dev.rpc.get_config(options={"database": "committed"})
    assert conf.xpath("host-os/vlans/vlan[name='v304']"), etree.tostring(conf)
    assert conf.xpath("host-os/vlans/vlan[name='v305']"), etree.tostring(conf)
    # JSON is not served: an error, not a hang
    try:
        dev.rpc.get_config(options={"format": "json"})
    except Exception as e:
        print("json:", type(e).__name__)
    dev.close()
    print("pyez ok")

else:
    sys.exit("unknown step " + step)
