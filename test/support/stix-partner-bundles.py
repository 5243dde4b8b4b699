"""Bundles a partner agency builds with the OASIS stix2 library (allow_custom=False), as our open
import must accept them. Reads one JSON object on stdin (the partner's identity, the TLP 2.0 ids and levels,
our extension id, for the outcome the share it answers, for the case its ids, terms and consignment); prints one JSON line per bundle:
{"name": ..., "bundle": {...}}. Timestamps carry microseconds, as stix2 writes them from datetimes.
Run by test/integration/stix-partner-import.test.ts from the venv under .local/ (test/support/python-venv.ts).

Bundles:
  intel    plain STIX, none of our extension: identity, TLP:AMBER (TLP 2.0) and a statement marking,
           email-addr, domain-name and file SCOs, observed-data over them, an indicator, a report
           and a note on it
  outcome  an OUTCOME note for a case we shared (our property extension), with the partner's own
           identity, TLP 2.0 and statement markings, and an opinion on our report as extra context
  case     a case the partner shares in our format (report + rule-hit note with our extension), plus
           an indicator and observed-data with an email-addr SCO that our format does not model
"""
import datetime
import json
import sys
import uuid

import stix2

cfg = json.load(sys.stdin)
EXT = cfg["extensionId"]
TLP_EXT = cfg["tlpExtensionId"]
when = datetime.datetime(2026, 6, 2, 9, 30, 15, 123456, tzinfo=datetime.timezone.utc)


def sid(kind):
    return f"{kind}--{uuid.uuid4()}"


identity = stix2.Identity(
    id=cfg["identity"]["id"],
    created=when,
    modified=when,
    name=cfg["identity"]["name"],
    identity_class="organization",
    allow_custom=False,
)
def tlp_marking(level):
    """The OASIS TLP 2.0 marking-definition of a level, as the partner's tool writes it."""
    return stix2.MarkingDefinition(
        id=cfg["tlpIds"][level],
        created="2022-10-01T00:00:00.000Z",
        name=f"TLP:{level}",
        extensions={TLP_EXT: {"extension_type": "property-extension", "tlp_2_0": level.lower()}},
        allow_custom=False,
    )


tlp = tlp_marking(cfg["tlp"])
intel_tlp = tlp_marking(cfg["intelTlp"])
statement = stix2.MarkingDefinition(
    id=sid("marking-definition"),
    created=when,
    definition_type="statement",
    definition=stix2.StatementMarking(statement=f"{cfg['identity']['name']}: law-enforcement use only."),
    allow_custom=False,
)
common = dict(created=when, modified=when, created_by_ref=identity.id, object_marking_refs=[tlp.id, statement.id])
intel_common = dict(common, object_marking_refs=[intel_tlp.id, statement.id])

# intel: what a partner's threat-intelligence tool sends, with nothing of ours in it.
email = stix2.EmailAddress(value="sales@example-chem.test", display_name="Sales desk")
domain = stix2.DomainName(value="example-chem.test")
invoice = stix2.File(name="invoice-7781.pdf", hashes={"SHA-256": "a" * 64})
observed = stix2.ObservedData(
    id=sid("observed-data"),
    first_observed=when,
    last_observed=when,
    number_observed=3,
    object_refs=[email.id, domain.id, invoice.id],
    **intel_common,
)
indicator = stix2.Indicator(
    id=sid("indicator"),
    name="Broker mailbox offering 4-piperidone",
    pattern="[email-addr:value = 'sales@example-chem.test']",
    pattern_type="stix",
    valid_from=when,
    indicator_types=["malicious-activity"],
    **intel_common,
)
report = stix2.Report(
    id=sid("report"),
    name="Precursor broker seen by the partner",
    published=when,
    report_types=["threat-actor"],
    object_refs=[observed.id, indicator.id, email.id, domain.id, invoice.id],
    **intel_common,
)
note = stix2.Note(
    id=sid("note"),
    abstract="Analyst note",
    content="The broker ships through Mumbai and Nhava Sheva.",
    object_refs=[report.id],
    **intel_common,
)
intel = stix2.Bundle(identity, intel_tlp, statement, email, domain, invoice, observed, indicator, report, note)

# outcome: the disposition of a case we shared, as docs/sharing.md shows, with more beside it.
ours = cfg["outcome"]
outcome_note = stix2.Note(
    id=sid("note"),
    abstract="Outcome: SEIZED",
    content=f"{ours['sender']} recorded the disposition SEIZED.",
    object_refs=[ours["reportId"]],
    extensions={
        EXT: {
            "extension_type": "property-extension",
            "sharing": {
                "kind": "OUTCOME",
                "share_id": ours["shareId"],
                "case_id": ours["caseId"],
                "version": 1,
                "sender": ours["sender"],
                "recipient": ours["recipient"],
            },
            "terms": ours["terms"],
            "outcome": {"disposition": "SEIZED", "decided_at": "2026-06-02T09:00:00.654321Z"},
        }
    },
    **common,
)
opinion = stix2.Opinion(
    id=sid("opinion"),
    opinion="strongly-agree",
    explanation="The consignee is known to us.",
    object_refs=[ours["reportId"]],
    **common,
)
outcome = stix2.Bundle(identity, tlp, statement, outcome_note, opinion)

# case: a case in our format from a stix2 user, with intelligence our format does not model.
case = cfg["case"]
case_report = stix2.Report(
    id=sid("report"),
    name=f"Precursor case {case['caseId']}",
    published=when,
    report_types=["threat-report"],
    object_refs=[sid("note")],  # replaced below once the note exists
    **common,
)
rule_note = stix2.Note(
    id=sid("note"),
    abstract="Rule hit: cas-controlled",
    content="4-piperidone identified by CAS.",
    object_refs=[case_report.id],
    extensions={
        EXT: {
            "extension_type": "property-extension",
            "rule_hit": {"rule_id": "cas-controlled", "weight": 0.9, "goods_line": 1,
                         "explanation": "4-piperidone identified by CAS."},
        }
    },
    **common,
)
broker_mail = stix2.EmailAddress(value="broker@example-chem.test")
seen = stix2.ObservedData(
    id=sid("observed-data"),
    first_observed=when,
    last_observed=when,
    number_observed=1,
    object_refs=[broker_mail.id],
    **common,
)
case_report = stix2.Report(
    id=case_report.id,
    name=case_report.name,
    description="Shared with the stix2 library.",
    published=when,
    report_types=["threat-report"],
    object_refs=[rule_note.id, seen.id],
    extensions={
        EXT: {
            "extension_type": "property-extension",
            "sharing": {
                "kind": "CASE",
                "share_id": case["shareId"],
                "case_id": case["caseId"],
                "version": 1,
                "sender": case["sender"],
                "recipient": case["recipient"],
            },
            "terms": case["terms"],
            "consignment": case["consignment"],
        }
    },
    **common,
)
case_indicator = stix2.Indicator(
    id=sid("indicator"),
    name="Broker mailbox",
    pattern="[email-addr:value = 'broker@example-chem.test']",
    pattern_type="stix",
    valid_from=when,
    **common,
)
case_bundle = stix2.Bundle(identity, tlp, statement, case_report, rule_note, broker_mail, seen, case_indicator)

for name, b in [("intel", intel), ("outcome", outcome), ("case", case_bundle)]:
    # Round trip through the partner's own strict parser first: these are valid STIX 2.1 as stix2 sees it.
    stix2.parse(b.serialize(), allow_custom=False)
    print(json.dumps({"name": name, "bundle": json.loads(b.serialize())}), flush=True)
