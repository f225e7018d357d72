"""Simple inline TeX in Markdown as the symbols it stands for: "$$\\sigma$$" is "σ".

Notes written for Jekyll (kramdown), MathJax or Jupyter put symbols in running text as inline
math: "truncate at 2.5 $$\\sigma$$", "$\\circ$ Shift the whole potential". Read aloud, shown in
a lesson or quoted in an answer, the markup is noise; the symbol is what the author meant. Math
that needs more than symbols (fractions, sub- and superscripts) is left as written.
"""

from __future__ import annotations

import re

_GREEK = (
    "alpha:α beta:β gamma:γ delta:δ epsilon:ε varepsilon:ε zeta:ζ eta:η theta:θ vartheta:ϑ "
    "iota:ι kappa:κ lambda:λ mu:μ nu:ν xi:ξ pi:π rho:ρ sigma:σ tau:τ upsilon:υ phi:φ varphi:φ "
    "chi:χ psi:ψ omega:ω Gamma:Γ Delta:Δ Theta:Θ Lambda:Λ Xi:Ξ Pi:Π Sigma:Σ Phi:Φ Psi:Ψ Omega:Ω"
)
_OPERATORS = (
    "times:× cdot:· pm:± mp:∓ leq:≤ le:≤ geq:≥ ge:≥ neq:≠ ne:≠ approx:≈ sim:∼ simeq:≃ "
    "propto:∝ infty:∞ rightarrow:→ to:→ leftarrow:← Rightarrow:⇒ leftrightarrow:↔ partial:∂ "
    "nabla:∇ sum:∑ prod:∏ int:∫ circ:∘ bullet:• degree:° ldots:… cdots:⋯ in:∈ cap:∩ cup:∪ "
    "forall:∀ exists:∃ neg:¬ wedge:∧ vee:∨ equiv:≡ perp:⊥ angle:∠ hbar:ℏ ell:ℓ AA:Å"
)
SYMBOLS = dict(pair.split(":") for pair in f"{_GREEK} {_OPERATORS}".split())
# "$$ \sigma $$", "$\sigma=3.4$", "$\circ$": inline math on one line ("$$" or "$"), not "$5".
_INLINE_MATH = re.compile(r"(\${1,2})(?=\S|\s+\\)([^$\n]{1,80}?)\1(?!\d)")
_COMMAND = re.compile(r"\\([A-Za-z]+)(?![A-Za-z])")
# What plain symbols may be written with besides commands.
_PLAIN = re.compile(r"[\w\s.,+\-=<>/()'|]*")


def plain_math(line: str) -> str:
    """``line`` with each simple inline formula written as its symbols, delimiters dropped."""
    if "$" not in line or "\\" not in line:
        return line
    return _INLINE_MATH.sub(_symbols, line)


def _symbols(match: re.Match[str]) -> str:
    formula = match.group(2).strip()
    if formula in (r"\circ", r"\bullet"):
        # A lone circle opens a point in a table cell ("<br>$\circ$ Shift the whole
        # potential<br>$\circ$ Avoids infinite forces"): as markup, the run of points stays a
        # fragment that no lesson or answer quotes, rather than one long "sentence".
        return match.group(0)
    unknown = [name for name in _COMMAND.findall(formula) if name not in SYMBOLS]
    if unknown or not _PLAIN.fullmatch(_COMMAND.sub(" ", formula)) or "_" in formula:
        return match.group(0)  # more than symbols: left as written
    return _COMMAND.sub(lambda command: SYMBOLS[command.group(1)], formula)
