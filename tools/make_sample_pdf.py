"""Rebuild data/samples/cellular-respiration.pdf, the sample PDF README's first command ingests.

Run: .venv/bin/python tools/make_sample_pdf.py   (needs fpdf2, from the `test` extra)
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

OUT = Path(__file__).resolve().parents[1] / "data" / "samples" / "cellular-respiration.pdf"

PAGES = [
    (
        "1 Cellular respiration",
        [
            "Cellular respiration is the set of reactions by which cells release the energy stored in "
            "glucose and keep it in a form they can use, the molecule ATP. Aerobic respiration needs "
            "oxygen and gives out carbon dioxide and water; its overall equation is the reverse of "
            "photosynthesis: C6H12O6 + 6 O2 -> 6 CO2 + 6 H2O + energy.",
            "Respiration happens in every living cell, day and night, in plants as well as animals. It "
            "runs in three main stages: glycolysis, the Krebs cycle and oxidative phosphorylation. "
            "Together they can make about 30 to 32 molecules of ATP from one molecule of glucose.",
        ],
    ),
    (
        "2 Glycolysis",
        [
            "Glycolysis takes place in the cytoplasm and does not need oxygen. An enzyme-driven series "
            "of ten reactions splits one six-carbon glucose molecule into two three-carbon molecules of "
            "pyruvate. The cell spends two ATP to start the process and makes four, a net gain of two "
            "ATP, and it also loads electrons onto two molecules of NADH.",
            "When oxygen is short, as in a sprinting muscle, pyruvate is turned into lactate so that "
            "glycolysis can keep going. Yeast turns it into ethanol and carbon dioxide instead; this is "
            "fermentation, the reason bread rises and grape juice becomes wine.",
        ],
    ),
    (
        "3 The Krebs cycle",
        [
            "In the presence of oxygen, pyruvate enters the mitochondrion, the organelle often called "
            "the powerhouse of the cell. There it loses one carbon as carbon dioxide and joins "
            "coenzyme A to form acetyl-CoA, which feeds the Krebs cycle, also called the citric acid "
            "cycle, in the mitochondrial matrix.",
            "Each turn of the cycle releases two molecules of carbon dioxide and loads high-energy "
            "electrons onto NADH and FADH2. It makes only a little ATP directly; its real product is "
            "the store of electrons that the next stage turns into ATP.",
        ],
    ),
    (
        "4 Oxidative phosphorylation",
        [
            "The electron transport chain sits in the inner mitochondrial membrane. NADH and FADH2 hand "
            "over their electrons, which pass from protein to protein and release energy as they go. "
            "That energy pumps hydrogen ions across the membrane, building up a gradient.",
            "The ions flow back through ATP synthase, which turns like a tiny turbine and makes most of "
            "the cell's ATP. At the end of the chain the electrons join oxygen and hydrogen ions to "
            "form water: this is why we need to breathe oxygen, and why cyanide, which blocks the "
            "chain, is so deadly.",
        ],
    ),
]


def build() -> None:
    pdf = FPDF(format="A4")
    pdf.set_title("Cellular respiration: study notes")
    pdf.set_author("learnplat samples")
    pdf.set_creation_date(__import__("datetime").datetime(2026, 1, 1))
    pdf.set_auto_page_break(auto=True, margin=20)
    for heading, paragraphs in PAGES:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 18)
        pdf.multi_cell(0, 10, heading)
        pdf.ln(4)
        pdf.set_font("Helvetica", "", 11)
        for paragraph in paragraphs:
            pdf.multi_cell(0, 6, paragraph)
            pdf.ln(4)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(OUT))
    print(f"wrote {OUT} ({len(PAGES)} pages)")


if __name__ == "__main__":
    build()
