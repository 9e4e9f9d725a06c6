"""The targeting and budget pages as their users read them: the eligibility rules and outcome,
the rule-change preview (valid and refused input, in both languages), the monthly bill and the
budget line, the BPJS invoice check, and the APBD planner, with Rupiah and counts written the
Indonesian way ("Rp 1.088.451.000") in Bahasa Indonesia and the English way in English.

What tests/webapp/test_web_pages.py already checks (the preview for desil 1–6, the bill total,
the budget line against the pipeline, the invoice figures, the seed 001 total and a coverage
target) is not repeated here."""

from __future__ import annotations

import json
from datetime import date
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db.models import Count
from django.urls import reverse

from semesta.core import rules
from semesta.core.eligibility import eligibility_rules
from semesta.pipeline import eligibility as pe
from semesta.web.models import InvoiceLine, Person
from semesta.web.privacy import mask_id
from webapp.cast import CastTestCase

# --- reading a rendered page -------------------------------------------------------------------

_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}


class _Element(HTMLParser):
    """The text and the table rows of the element with one id (nested elements included)."""

    def __init__(self, wanted: str):
        super().__init__(convert_charrefs=True)
        self.wanted, self.depth = wanted, 0
        self.parts: list[str] = []
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if not self.depth:
            if dict(attrs).get("id") == self.wanted:
                self.depth = 1
            return
        if tag not in _VOID:
            self.depth += 1
        self.parts.append(" ")
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self.cell = []

    def handle_endtag(self, tag):
        if not self.depth:
            return
        self.depth -= 1
        self.parts.append(" ")
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)
            if self.cell is not None:
                self.cell.append(data)


def _parse(response, element_id: str) -> _Element:
    parser = _Element(element_id)
    parser.feed(response.content.decode())
    return parser


def text_of(response, element_id: str) -> str:
    """The text of the element ``element_id``, whitespace collapsed ('' when it is absent)."""
    return " ".join("".join(_parse(response, element_id).parts).split())


def rows_of(response, element_id: str) -> list[list[str]]:
    """The rows of the table ``element_id``: each a list of its cells' texts."""
    return _parse(response, element_id).rows


def errors_of(response) -> list[str]:
    """The texts of the page's error paragraphs (class "error")."""

    class Errors(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.found: list[str] = []
            self.inside = False

        def handle_starttag(self, tag, attrs):
            if tag == "p" and "error" in (dict(attrs).get("class") or "").split():
                self.inside = True
                self.found.append("")

        def handle_endtag(self, tag):
            if tag == "p":
                self.inside = False

        def handle_data(self, data):
            if self.inside:
                self.found[-1] += data

    parser = Errors()
    parser.feed(response.content.decode())
    return [" ".join(text.split()) for text in parser.found]


def indonesian(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def rp_id(amount: int) -> str:
    """Rupiah as a Bahasa Indonesia page writes it: Rp 1.088.451.000."""
    return ("-" if amount < 0 else "") + "Rp " + indonesian(abs(amount))


def rp_en(amount: int) -> str:
    """Rupiah as an English page writes it: Rp 1,088,451,000."""
    return ("-" if amount < 0 else "") + f"Rp {abs(amount):,}"


class BudgetCase(CastTestCase):
    @pytest.fixture(autouse=True)
    def _workspace(self, published_workspace):
        self.workspace = published_workspace

    def in_english(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    @property
    def figures(self) -> dict:
        return self.publication.extra["figures"]

    def eligible(self):
        return Person.objects.filter(publication=self.publication, pemda_eligible=True)


# --- targeting: the rules, the outcome, the preview ----------------------------------------------


class EligibilityOutcomeTests(BudgetCase):
    def test_every_rule_in_force_is_listed_with_its_code_label_and_source(self):
        self.sign_in(self.analyst)
        text = text_of(self.client.get(reverse("targeting")), "eligibility-rules")
        catalogue = self.publication.extra["eligibility_rules"]
        self.assertEqual(len(catalogue), 8)  # ELG-HIDUP … ELG-MANDIRI, all enabled
        for rule in catalogue:
            with self.subTest(rule=rule["code"]):
                self.assertIn(f"{rule['code']} {rule['label']['id']}", text)
                self.assertIn(rule["source"][:40], text)

    def test_the_outcome_table_counts_each_decision_code_as_the_published_persons(self):
        expected = {
            row["eligibility__code"]: row["n"]
            for row in Person.objects.filter(publication=self.publication)
            .exclude(pemda_eligible__isnull=True)
            .values("eligibility__code")
            .annotate(n=Count("id"))
        }
        self.sign_in(self.analyst)
        rows = rows_of(self.client.get(reverse("targeting")), "eligibility-outcome")
        shown = {row[1].split()[0]: int(row[2].replace(".", "")) for row in rows[1:]}
        self.assertEqual(shown, expected)
        self.assertEqual({row[1].split()[0]: row[0] for row in rows[1:]}["ELG-LAYAK"], "layak")

    def test_each_outcome_row_names_its_rule_in_the_page_language(self):
        self.sign_in(self.analyst)
        rows = rows_of(self.client.get(reverse("targeting")), "eligibility-outcome")
        self.assertIn(
            ["tidak layak", "ELG-PBI Sudah dibiayai APBN (PBI JK)"], [r[:2] for r in rows]
        )
        self.in_english()
        rows = rows_of(self.client.get(reverse("targeting")), "eligibility-outcome")
        self.assertIn(
            ["not eligible", "ELG-PBI Already paid for by the central budget (PBI JK)"],
            [r[:2] for r in rows],
        )

    def test_the_verifier_reads_the_outcome_of_kecamatan_b_only(self):
        decided = Person.objects.filter(
            publication=self.publication,
            kode_kecamatan=self.kecamatan_b,
            pemda_eligible__isnull=False,
        ).count()
        self.sign_in(self.verifier_b)
        rows = self.client.get(reverse("targeting")).context["by_code"]
        self.assertEqual(sum(r["n"] for r in rows), decided)
        self.assertLess(decided, self.publication.counts["persons"])

    def test_the_eligible_by_area_of_the_kabupaten_add_up_to_the_eligible_residents(self):
        """Every eligible person with a DKB desa falls in exactly one kecamatan row."""
        self.sign_in(self.analyst)
        by_area = self.client.get(reverse("targeting")).context["by_area"]
        with_desa = self.eligible().exclude(kode_kecamatan="").count()
        self.assertEqual(sum(a["eligible"] for a in by_area if a["code"]), with_desa)
        self.assertTrue(all(len(a["code"]) == 6 for a in by_area if a["code"]))

    def test_a_person_page_gives_the_decision_and_the_rule_that_decided_it(self):
        person = Person.objects.filter(
            publication=self.publication,
            kode_kecamatan=self.kecamatan_b,
            eligibility__code="ELG-PBI",
        ).first()
        self.sign_in(self.verifier_b)
        response = self.client.get(reverse("person", args=[person.ref]))
        self.assertContains(
            response,
            '<h3>Layak dibiayai Pemda</h3><p class="big">tidak</p>'
            "<small>Sudah dibiayai APBN (PBI JK)</small>",
            html=False,
        )


class RulePreviewTests(BudgetCase):
    def preview(self, **params):
        self.sign_in(self.admin)
        return self.client.get(reverse("targeting"), {"pratinjau": 1, **params})

    def pipeline(self, **changes):
        proposed = eligibility_rules(date(2025, 6, 30)).changed(**changes)
        return pe.preview(self.workspace, self.publication.period, proposed)

    def test_switching_the_desil_rule_off_previews_what_the_pipeline_previews(self):
        expected = self.pipeline(disable=["ELG-DESIL"])
        preview = self.preview(matikan="ELG-DESIL").context["preview"]
        self.assertEqual(
            (preview["before"], preview["after"], preview["entering"], preview["leaving"]),
            (
                expected.eligible_before,
                expected.eligible_after,
                expected.entering,
                expected.leaving,
            ),
        )
        self.assertEqual(preview["proposed"], ["-ELG-DESIL"])

    def test_allowing_active_mandiri_members_previews_what_the_pipeline_previews(self):
        expected = self.pipeline(allow_active_mandiri=True)
        preview = self.preview(allow_active_mandiri="ya").context["preview"]
        self.assertEqual(
            (preview["entering"], preview["leaving"], preview["monthly_change"]),
            (expected.entering, expected.leaving, expected.monthly_change),
        )
        self.assertEqual(preview["proposed"], ["allow_active_mandiri=true"])

    def test_the_transitions_are_those_of_the_pipeline_person_for_person(self):
        expected = self.pipeline(desil_max=3, without_desil_eligible=False)
        preview = self.preview(desil_max=3, without_desil="tidak").context["preview"]

        def moves(items):
            return sorted((t["direction"], t["from"], t["to"], t["persons"]) for t in items)

        self.assertEqual(moves(preview["transitions"]), moves(expected.transitions))
        self.assertEqual(preview["leaving_pemda"], expected.leaving_pemda_aktif)

    def test_the_change_in_cost_is_the_net_change_in_people_times_the_rate(self):
        """Switching off ELG-DESIL only lets people in: entering × Rp 42.000 a month, × 12 a
        year (the default Perpres 75/2019 rate; Kotawaringin Timur has no series of its own)."""
        response = self.preview(matikan="ELG-DESIL")
        preview = response.context["preview"]
        self.assertEqual(preview["rate"], 42_000)
        self.assertEqual(preview["leaving"], 0)
        self.assertEqual(preview["monthly_change"], preview["entering"] * 42_000)
        text = text_of(response, "preview-result")
        self.assertIn(
            f"Perubahan biaya: {rp_id(preview['monthly_change'])} per bulan, "
            f"{rp_id(preview['entering'] * 42_000 * 12)} per tahun (tarif Rp 42.000)",
            text,
        )
        self.assertIn(
            f"Layak sekarang: {indonesian(preview['before'])} → dengan aturan usulan: "
            f"{indonesian(preview['after'])}",
            text,
        )

    def test_a_narrower_desil_range_saves_money_written_with_a_minus(self):
        response = self.preview(desil_max=2)
        preview = response.context["preview"]
        self.assertEqual(preview["entering"], 0)
        self.assertGreater(preview["leaving"], 0)
        self.assertEqual(preview["monthly_change"], -preview["leaving"] * 42_000)
        self.assertIn(
            f"{rp_id(preview['monthly_change'])} per bulan", text_of(response, "preview-result")
        )

    def test_asking_for_no_change_previews_no_change(self):
        preview = self.preview().context["preview"]
        self.assertEqual(
            (
                preview["entering"],
                preview["leaving"],
                preview["monthly_change"],
                preview["proposed"],
            ),
            (0, 0, 0, []),
        )
        self.assertEqual(preview["before"], preview["after"])
        self.assertEqual(preview["before"], self.eligible().count())

    def test_without_asking_there_is_no_preview(self):
        self.sign_in(self.admin)
        response = self.client.get(reverse("targeting"), {"desil_max": 3})
        self.assertIsNone(response.context["preview"])
        self.assertNotContains(response, 'id="preview-result"')

    def test_the_preview_of_the_verifier_counts_kecamatan_b_only(self):
        everyone = self.preview(matikan="ELG-DESIL").context["preview"]
        self.sign_in(self.verifier_b)
        mine = self.client.get(
            reverse("targeting"), {"pratinjau": 1, "matikan": "ELG-DESIL"}
        ).context["preview"]
        eligible_b = self.eligible().filter(kode_kecamatan=self.kecamatan_b).count()
        self.assertEqual(mine["before"], eligible_b)
        self.assertLess(mine["entering"], everyone["entering"])

    def test_every_enabled_rule_can_be_switched_off_and_no_other(self):
        self.sign_in(self.admin)
        form = self.client.get(reverse("targeting")).context["form"]
        offered = [code for code, _ in form.fields["matikan"].choices]
        enabled = [r["code"] for r in self.publication.extra["eligibility_rules"] if r["enabled"]]
        self.assertEqual(offered, enabled)

    def test_the_preview_form_stays_on_the_period_shown(self):
        self.sign_in(self.admin)
        response = self.client.get(reverse("targeting"))
        self.assertContains(
            response, f'<input type="hidden" name="periode" value="{self.publication.period}">'
        )


class RulePreviewRefusalTests(BudgetCase):
    """Input the form refuses: no preview, and the reason in the page's language."""

    def ask(self, **params):
        self.sign_in(self.admin)
        return self.client.get(reverse("targeting"), {"pratinjau": 1, **params})

    def test_a_desil_above_ten_is_refused_with_the_reason_in_bahasa_indonesia(self):
        response = self.ask(desil_max=11)
        self.assertIsNone(response.context["preview"])
        self.assertNotContains(response, 'id="preview-result"')
        self.assertIn(
            "Desil tertinggi yang dibiayai: Pastikan nilai ini lebih kecil dari atau sama "
            "dengan 10.",
            errors_of(response),
        )

    def test_a_desil_above_ten_is_refused_with_the_reason_in_english(self):
        self.in_english()
        response = self.ask(desil_max=11)
        self.assertIsNone(response.context["preview"])
        self.assertIn(
            "Highest decile funded: Ensure this value is less than or equal to 10.",
            errors_of(response),
        )

    def test_a_desil_of_zero_is_refused(self):
        response = self.ask(desil_max=0)
        self.assertIsNone(response.context["preview"])
        self.assertIn(
            "Desil tertinggi yang dibiayai: Pastikan nilai ini lebih besar dari atau sama "
            "dengan 1.",
            errors_of(response),
        )

    def test_a_desil_that_is_not_a_number_is_refused(self):
        response = self.ask(desil_max="enam")
        self.assertIsNone(response.context["preview"])
        self.assertIn(
            "Desil tertinggi yang dibiayai: Masukkan keseluruhan angka bilangan.",
            errors_of(response),
        )

    def test_an_unknown_rule_to_switch_off_is_refused_by_name(self):
        response = self.ask(matikan="ELG-TIDAK-ADA")
        self.assertIsNone(response.context["preview"])
        self.assertIn(
            "Aturan yang dimatikan: Masukkan pilihan yang valid. ELG-TIDAK-ADA bukan salah "
            "satu dari pilihan yang tersedia.",
            errors_of(response),
        )

    def test_an_answer_other_than_yes_or_no_is_refused_in_english(self):
        self.in_english()
        response = self.ask(without_desil="mungkin")
        self.assertIsNone(response.context["preview"])
        self.assertIn(
            "People without a DTSEN decile stay eligible: Select a valid choice. mungkin is "
            "not one of the available choices.",
            errors_of(response),
        )

    def test_a_refused_preview_still_shows_the_current_outcome(self):
        response = self.ask(desil_max=11)
        self.assertTrue(rows_of(response, "eligibility-outcome")[1:])


# --- the monthly bill and the budget line --------------------------------------------------------


class MonthlyBillTests(BudgetCase):
    def test_each_bill_line_is_its_count_times_its_rate(self):
        self.sign_in(self.analyst)
        response = self.client.get(reverse("budget"))
        bill = response.context["bill"]
        rows = rows_of(response, "bill")
        self.assertEqual(len(rows), len(bill.lines) + 2)  # header, lines, total
        for line, row in zip(bill.lines, rows[1:], strict=False):
            with self.subTest(line=line.code):
                self.assertEqual(line.amount, line.count * line.rate)
                self.assertEqual(
                    row[1:4], [indonesian(line.count), rp_id(line.rate), rp_id(line.amount)]
                )

    def test_the_pemda_line_pays_the_rate_for_every_active_pemda_participant(self):
        """762 active PBPU-BP Pemda participants × Rp 42.000 = Rp 32.004.000."""
        self.sign_in(self.analyst)
        first = self.client.get(reverse("budget")).context["bill"].lines[0]
        self.assertEqual(
            (first.count, first.rate, first.amount),
            (self.figures["pemda_paid_active"], 42_000, self.figures["pemda_paid_active"] * 42_000),
        )

    def test_the_total_row_is_the_sum_of_the_lines(self):
        self.sign_in(self.analyst)
        response = self.client.get(reverse("budget"))
        bill = response.context["bill"]
        self.assertEqual(text_of(response, "bill-total"), rp_id(sum(x.amount for x in bill.lines)))

    def test_the_saving_card_is_the_monthly_rupiah_of_the_findings_list(self):
        """The budget page and the anomaly list agree on what acting on the findings saves."""
        self.sign_in(self.admin)
        findings = self.client.get(reverse("findings")).context["total_rupiah"]
        response = self.client.get(reverse("budget"))
        self.assertEqual(self.figures["monthly_saving"], findings)
        self.assertContains(response, f'<p class="big">{rp_id(findings)}</p>')

    def test_the_bill_in_english_groups_with_commas(self):
        self.sign_in(self.analyst)
        self.in_english()
        response = self.client.get(reverse("budget"))
        total = response.context["bill"].total
        self.assertGreater(total, 1_000_000)
        self.assertEqual(text_of(response, "bill-total"), rp_en(total))


class BudgetLineTests(BudgetCase):
    def line(self, written: str, user=None):
        self.sign_in(user or self.analyst)
        return self.client.get(reverse("budget"), {"anggaran_bulanan": written})

    def test_a_budget_written_with_dots_funds_whole_premiums_in_rank_order(self):
        """Rp 1.000.000 ÷ Rp 42.000 = 23 premiums (Rp 34.000 left over); the rest of the
        eligible are below the line, short by their premiums."""
        eligible = self.eligible().count()
        response = self.line("1.000.000")
        line = response.context["line"]
        self.assertEqual(
            (line["funded"], line["below"], line["shortfall"]),
            (23, eligible - 23, (eligible - 23) * 42_000),
        )
        self.assertEqual(
            text_of(response, "budget-line"),
            f"Anggaran ini membiayai 23 dari {indonesian(eligible)} orang yang layak, menurut "
            f"urutan prioritas; {indonesian(eligible - 23)} orang di bawah garis (kurang "
            f"{rp_id((eligible - 23) * 42_000)} per bulan).",
        )

    def test_the_funded_are_the_first_ranks(self):
        funded = self.line("1.000.000").context["line"]["funded"]
        ranks = sorted(self.eligible().values_list("eligibility_rank", flat=True))
        self.assertEqual(ranks, list(range(1, len(ranks) + 1)))  # 1 = first to fund, no gaps
        self.assertEqual(self.eligible().filter(eligibility_rank__lte=funded).count(), funded)

    def test_a_budget_for_more_than_everyone_funds_everyone(self):
        eligible = self.eligible().count()
        response = self.line(str(eligible * 42_000 + 41_999))
        line = response.context["line"]
        self.assertEqual((line["funded"], line["below"], line["shortfall"]), (eligible, 0, 0))
        self.assertIn("(kurang Rp 0 per bulan)", text_of(response, "budget-line"))

    def test_a_budget_one_rupiah_short_of_a_premium_funds_one_less(self):
        line = self.line(str(5 * 42_000 - 1)).context["line"]
        self.assertEqual(line["funded"], 4)

    def test_a_zero_budget_funds_nobody(self):
        eligible = self.eligible().count()
        line = self.line("0").context["line"]
        self.assertEqual((line["funded"], line["below"]), (0, eligible))

    def test_the_people_below_the_line_are_counted_by_desil_in_the_verifier_region(self):
        line = self.line("10.000.000", self.verifier_b).context["line"]
        funded = 10_000_000 // 42_000  # 238
        below = self.eligible().filter(kode_kecamatan=self.kecamatan_b, eligibility_rank__gt=funded)
        expected = {row["desil"]: row["n"] for row in below.values("desil").annotate(n=Count("id"))}
        self.assertEqual(line["funded"], funded)
        self.assertEqual({row["desil"]: row["n"] for row in line["by_desil"]}, expected)
        self.assertEqual(line["below_in_scope"], below.count())
        self.assertLess(line["below_in_scope"], line["below"])

    def test_the_budget_typed_stays_in_the_field(self):
        response = self.line("1.000.000")
        self.assertContains(response, 'name="anggaran_bulanan" value="1000000"')

    def test_a_budget_in_other_digits_draws_no_line_and_is_no_server_error(self):
        for written in ("²", "-5", "1e6"):
            with self.subTest(written=written):
                response = self.line(written)
                self.assertEqual(response.status_code, 200)
                self.assertIsNone(response.context["line"])

    def test_the_budget_line_in_english(self):
        self.in_english()
        eligible = self.eligible().count()
        response = self.line("1.000.000")
        self.assertEqual(
            text_of(response, "budget-line"),
            f"This budget funds 23 of the {eligible:,} eligible people, in priority order; "
            f"{eligible - 23:,} people are below the line (short by "
            f"{rp_en((eligible - 23) * 42_000)} a month).",
        )


# --- the BPJS invoice check ----------------------------------------------------------------------


class InvoicePageTests(BudgetCase):
    def test_billed_rows_are_accepted_or_not_and_so_is_every_rupiah(self):
        self.sign_in(self.analyst)
        check = self.client.get(reverse("invoice")).context["check"]
        self.assertEqual(check["rows_billed"], check["rows_accepted"] + check["rows_not_accepted"])
        self.assertEqual(
            check["rupiah_billed"], check["rupiah_payable"] + check["rupiah_not_accepted"]
        )
        self.assertEqual(sum(f["rows"] for f in check["by_finding"]), check["rows_not_accepted"])

    def test_the_summary_writes_rows_and_rupiah_the_indonesian_way(self):
        self.sign_in(self.analyst)
        response = self.client.get(reverse("invoice"))
        check = response.context["check"]
        rows = rows_of(response, "invoice-summary")
        self.assertEqual(
            rows[0],
            ["Baris ditagih", indonesian(check["rows_billed"]), rp_id(check["rupiah_billed"])],
        )
        self.assertEqual(
            rows[2],
            [
                "Tidak diterima",
                indonesian(check["rows_not_accepted"]),
                rp_id(check["rupiah_not_accepted"]),
            ],
        )

    def test_the_published_refused_lines_are_the_rows_not_accepted(self):
        self.assertEqual(
            InvoiceLine.objects.filter(publication=self.publication).count(),
            self.publication.extra["invoice"]["rows_not_accepted"],
        )

    def test_the_verifier_reads_the_refused_lines_of_kecamatan_b_with_whole_niks(self):
        mine = InvoiceLine.objects.filter(
            publication=self.publication, kode_kecamatan=self.kecamatan_b
        ).exclude(nik="")
        self.assertTrue(mine)
        self.sign_in(self.verifier_b)
        response = self.client.get(reverse("invoice"))
        self.assertEqual(
            sorted(line.pk for line in response.context["lines"]),
            sorted(
                InvoiceLine.objects.filter(
                    publication=self.publication, kode_kecamatan=self.kecamatan_b
                ).values_list("pk", flat=True)
            ),
        )
        for line in mine:
            self.assertContains(response, f"<td>{line.nik}</td>", html=False)

    def test_the_analyst_reads_refused_lines_with_nik_and_card_masked(self):
        lines = InvoiceLine.objects.filter(publication=self.publication).exclude(nik="")
        self.sign_in(self.analyst)
        response = self.client.get(reverse("invoice"))
        page = response.content.decode()
        self.assertFalse([line.nik for line in lines if line.nik in page])
        self.assertIn(mask_id(lines[0].nik), page)
        carded = InvoiceLine.objects.filter(publication=self.publication).exclude(no_kartu="")
        self.assertFalse([line.no_kartu for line in carded if line.no_kartu in page])

    def test_the_leader_reads_the_reasons_without_any_line(self):
        self.sign_in(self.leader)
        response = self.client.get(reverse("invoice"))
        self.assertIsNone(response.context["lines"])
        for finding in response.context["check"]["by_finding"]:
            self.assertContains(response, f"<code>{finding['code']}</code>")
        names = InvoiceLine.objects.filter(publication=self.publication).exclude(nama="")
        page = response.content.decode()
        self.assertFalse([line.nama for line in names if line.nama in page])

    def test_each_reason_gives_its_rule_code_label_rows_and_rupiah(self):
        self.sign_in(self.analyst)
        response = self.client.get(reverse("invoice"))
        for finding in response.context["check"]["by_finding"]:
            with self.subTest(code=finding["code"]):
                self.assertContains(
                    response,
                    f"<tr><td><code>{finding['code']}</code></td><td>{finding['label']['id']}"
                    f'</td><td class="num">{indonesian(finding["rows"])}</td>'
                    f'<td class="num">{rp_id(finding["rupiah"])}</td></tr>',
                    html=True,
                )


# --- the APBD planner ----------------------------------------------------------------------------

SEED_001 = {"tahun": 2023, "bulan_mulai": 1, "peserta": 28795, "tarif": 37800}
SEED_001_EXISTING = {**SEED_001, "anggaran_ada": 3_700_000_000}


class PlannerTests(BudgetCase):
    def plan(self, params: dict, user=None):
        self.sign_in(user or self.leader)
        return self.client.get(reverse("planner"), params)

    def test_the_june_row_of_seed_001_reads_as_tabel_1(self):
        """28.795 × Rp 37.800 = Rp 1.088.451.000 a month; June to December is 7 months:
        Rp 7.619.157.000; with the Rp 3.700.000.000 already in the APBD: Rp 11.319.157.000."""
        rows = rows_of(self.plan(SEED_001_EXISTING), "planner-options")
        self.assertEqual(
            rows[6],
            ["Juni", "7", "Rp 1.088.451.000", "Rp 7.619.157.000", "Rp 11.319.157.000"],
        )
        self.assertEqual(len(rows), 13)  # header and one row per start month

    def test_a_plan_without_existing_allocation_totals_its_cost(self):
        rows = rows_of(self.plan(SEED_001), "planner-options")
        self.assertEqual(
            rows[1], ["Januari", "12", "Rp 1.088.451.000", "Rp 13.061.412.000", "Rp 13.061.412.000"]
        )

    def test_a_later_first_month_leaves_out_the_earlier_ones(self):
        rows = rows_of(self.plan({**SEED_001, "bulan_mulai": 10}), "planner-options")
        self.assertEqual([r[0] for r in rows[1:]], ["Oktober", "November", "Desember"])
        self.assertEqual(rows[-1][3], "Rp 1.088.451.000")

    def test_the_budget_year_is_written_as_a_year(self):
        response = self.plan(SEED_001)
        self.assertEqual(
            text_of(response, "planner-needed"), "28.795 peserta baru, tahun anggaran 2023."
        )

    def test_the_planner_in_english_names_the_months_and_groups_with_commas(self):
        self.in_english()
        response = self.plan(SEED_001_EXISTING)
        rows = rows_of(response, "planner-options")
        self.assertEqual(
            rows[6], ["June", "7", "Rp 1,088,451,000", "Rp 7,619,157,000", "Rp 11,319,157,000"]
        )
        self.assertEqual(
            text_of(response, "planner-needed"), "28,795 new participants, budget year 2023."
        )

    def test_the_chart_gets_every_option_as_json(self):
        response = self.plan(SEED_001_EXISTING)
        chart = json.loads(text_of(response, "planner-data"))
        self.assertEqual(chart["labels"], list(range(1, 13)))
        self.assertEqual(chart["cost"][5], 7_619_157_000)
        self.assertEqual(chart["total"][5], 11_319_157_000)
        labels = json.loads(text_of(response, "planner-labels"))
        self.assertEqual((labels["lang"], labels["months"][5]), ("id", "Juni"))

    def test_without_participants_the_plan_is_for_the_eligible_not_yet_registered(self):
        """31 eligible residents are not registered; at the kabupaten's rule rate for 2026
        (Rp 42.000) they cost Rp 1.302.000 a month, Rp 15.624.000 from January."""
        rate = rules.pemda_rate("62.02", date(2026, 1, 1))
        response = self.plan({"tahun": 2026, "bulan_mulai": 1})
        self.assertEqual(response.context["needed"], self.figures["eligible_unregistered"])
        self.assertEqual(response.context["rate_source"], "pemda_rates.toml")
        january = response.context["plan"].option(1)
        self.assertEqual(january.cost, self.figures["eligible_unregistered"] * rate * 12)
        self.assertIn("Tarif menurut pemda_rates.toml", text_of(response, "planner-needed"))

    def test_a_typed_rate_is_used_and_no_rule_is_named(self):
        response = self.plan({"tahun": 2026, "bulan_mulai": 1, "peserta": 10, "tarif": 50_000})
        self.assertEqual(response.context["plan"].option(12).cost, 500_000)
        self.assertIsNone(response.context["rate_source"])
        self.assertNotIn("Tarif menurut", text_of(response, "planner-needed"))

    def test_a_reached_target_needs_nobody(self):
        response = self.plan({"tahun": 2026, "bulan_mulai": 1, "target": "50"})
        self.assertEqual(response.context["needed"], 0)
        self.assertEqual(response.context["plan"].option(1).cost, 0)

    def test_the_form_opens_on_next_year(self):
        response = self.plan({})
        self.assertContains(response, f'name="tahun" value="{date.today().year + 1}"')
        self.assertIsNone(response.context.get("plan"))

    def test_the_leader_sees_the_kabupaten_figures_above_the_form(self):
        response = self.plan({})
        stat = response.context["stat"]
        self.assertContains(
            response,
            f"Saat ini: {indonesian(stat.population)} penduduk, "
            f"{indonesian(stat.registered)} terdaftar",
        )


class PlannerRefusalTests(BudgetCase):
    def plan(self, params: dict):
        self.sign_in(self.analyst)
        return self.client.get(reverse("planner"), {"tahun": 2026, "bulan_mulai": 1, **params})

    def test_a_target_that_is_not_a_number_is_refused_in_bahasa_indonesia(self):
        response = self.plan({"target": "sembilan puluh"})
        self.assertIsNone(response.context.get("plan"))
        self.assertIn("Tulis persen sebagai angka, mis. 98 atau 98,5.", errors_of(response))

    def test_a_target_that_is_not_a_number_is_refused_in_english(self):
        self.in_english()
        response = self.plan({"target": "ninety"})
        self.assertIn("Write the percentage as a number, e.g. 98 or 98.5.", errors_of(response))

    def test_a_target_outside_zero_to_a_hundred_is_refused(self):
        for written in ("0", "-5", "100,01", "Infinity"):
            with self.subTest(target=written):
                response = self.plan({"target": written})
                self.assertIsNone(response.context.get("plan"))
                self.assertIn("Target harus di antara 0 dan 100 %.", errors_of(response))

    def test_a_target_of_not_a_number_is_refused_not_a_server_error(self):
        for written in ("NaN", "sNaN", "nan"):
            with self.subTest(target=written):
                response = self.plan({"target": written})
                self.assertEqual(response.status_code, 200)
                self.assertIsNone(response.context.get("plan"))
                self.assertTrue(errors_of(response))

    def test_a_hundred_percent_is_a_target(self):
        response = self.plan({"target": "100"})
        stat = response.context["stat"]
        self.assertEqual(response.context["needed"], stat.population - stat.registered)

    def test_a_start_month_of_thirteen_is_refused(self):
        response = self.plan({"bulan_mulai": 13, "peserta": 10})
        self.assertIsNone(response.context.get("plan"))
        self.assertIn(
            "Pastikan nilai ini lebih kecil dari atau sama dengan 12.", errors_of(response)
        )

    def test_a_year_before_any_pemda_rate_explains_which_rule_is_missing(self):
        """pemda_rates.toml starts in 2019: a 2014 plan at the rule's rate has no rate."""
        self.sign_in(self.analyst)
        response = self.client.get(
            reverse("planner"), {"tahun": 2014, "bulan_mulai": 1, "peserta": 10}
        )
        self.assertIsNone(response.context.get("plan"))
        (error,) = errors_of(response)
        self.assertTrue(error.startswith("tidak ada aturan yang berlaku pada 2014-01-01"))
        self.in_english()
        response = self.client.get(
            reverse("planner"), {"tahun": 2014, "bulan_mulai": 1, "peserta": 10}
        )
        (error,) = errors_of(response)
        self.assertTrue(error.startswith("no rule in force on 2014-01-01"))

    def test_a_year_before_any_rate_is_planned_with_a_typed_rate(self):
        """Ten participants at Rp 19.225 from December 2014: one month, Rp 192.250."""
        response = self.plan({"tahun": 2014, "peserta": 10, "tarif": 19_225})
        self.assertEqual(response.context["plan"].option(12).cost, 192_250)


# --- who may open the budget pages ----------------------------------------------------------------


class BudgetAccessTests(BudgetCase):
    PAGES = ("targeting", "budget", "invoice", "planner")

    def test_the_budget_pages_answer_only_get(self):
        self.sign_in(self.admin)
        for name in self.PAGES:
            with self.subTest(page=name):
                self.assertEqual(self.client.post(reverse(name)).status_code, 405)

    def test_the_outsider_reads_no_invoice_of_this_kabupaten(self):
        self.sign_in(self.outsider)
        response = self.client.get(reverse("invoice"))
        self.assertIsNone(response.context["publication"])
        self.assertNotIn("check", response.context)

    def test_the_outsider_plans_without_this_kabupaten_figures(self):
        self.sign_in(self.outsider)
        response = self.client.get(reverse("planner"), {"tahun": 2026, "bulan_mulai": 1})
        self.assertIsNone(response.context["stat"])
        self.assertEqual(response.context["needed"], 0)

    def test_a_period_never_published_shows_no_budget_figures(self):
        self.sign_in(self.analyst)
        response = self.client.get(reverse("budget"), {"periode": "2019-01"})
        self.assertIsNone(response.context["publication"])
        self.assertNotIn("bill", response.context)
