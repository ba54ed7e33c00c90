"""The third year as owners tell it: the recertification application, its audit booked and
passed, and the new certificate with its number and date, in either language."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.loader import Knowledge
from tests.flows.conftest import Driver
from tests.flows.test_told_outcomes import _certified
from tests.flows.timeline_walk import advance_to

SAID = {
    "en": ["we applied for recertification on march 8", "yes",
           "the recertification audit is booked for june 12", "yes",
           "recertification audit passed on june 12, no findings", "yes",
           "we got the new certificate, number 165IP30000999R1M, issued july 15", "yes", "ok"],
    "zh": ["再认证申请3月8号交了", "对",
           "再认证审核定在6月12号", "对",
           "再认证审核6月12号通过了，没有问题", "对",
           "新证书下来了，编号165IP30000999R1M，7月15号发的", "对", "好的"],
}  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_recertification_told_in_words(kb: Knowledge, lang: str) -> None:
    d = Driver(kb, "zh")
    advance_to(d, date(2027, 9, 20))
    _certified(d, "2027-09-10")
    d.conv.user.lang = lang
    said = SAID[lang]
    advance_to(d, date(2030, 3, 10))
    d.text(said[0])
    d.text(said[1])
    events = {e.key: e for e in d.conv.company.events}
    assert events["recert:apply"].on == date(2030, 3, 8) and events["recert:apply"].done
    assert "apply" not in events  # not the first application
    assert all(events[k].done for k in ("yearly_internal_audit:recert",
                                        "yearly_management_review:recert"))  # fmt: skip
    d.text(said[2])
    d.text(said[3])
    assert {e.key: e.on for e in d.conv.company.events}["recert:audit"] == date(2030, 6, 12)
    advance_to(d, date(2030, 7, 20))
    d.text(said[4])
    d.text(said[5])
    assert {e.key: e.done for e in d.conv.company.events}["recert:audit"]
    d.text(said[6])
    d.text(said[7])  # replace the certificate on record
    d.text(said[8])  # the usual expiry
    cert = d.conv.company.certificate
    assert cert is not None and cert.number == "165IP30000999R1M", d.said()
    assert (cert.issued, cert.expires) == (date(2030, 7, 15), date(2033, 7, 14))
