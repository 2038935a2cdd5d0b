package org.layerwise.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class NotationTest {
    @Test
    void greekWordsSubscriptsAndSuperscripts() {
        assertEquals("|δₖ| Aₖ", Notation.format("|delta_k| A_k"));
        assertEquals("Lᵝ", Notation.format("L^beta"));
        assertEquals("L⁻ᵝ", Notation.format("L^-beta"));
        assertEquals("target ε", Notation.format("target epsilon"));
        assertEquals("maxₖ ‖Wₖ‖", Notation.format("max_k ||W_k||"));
        assertEquals("Wₖ₋₁", Notation.format("W_{k-1}"));
        assertEquals("y₍ₖ₊₁₎", Notation.format("y_(k+1)"));
        assertEquals("10⁻⁵", Notation.format("10^{-5}"));
        assertEquals("σ(Aₖ hₖ + bₖ)", Notation.format("sigma(A_k h_k + b_k)"));
        assertEquals("Σ, Δ, α ≤ β ≥ γ ± 1", Notation.format("Sigma, Delta, alpha <= beta >= gamma +- 1"));
    }

    @Test
    void everyDigitHasItsScriptForm() {
        assertEquals("x₀₁₂₃₄₅₆₇₈₉", Notation.format("x_0123456789"));
        assertEquals("x⁰¹²³⁴⁵⁶⁷⁸⁹", Notation.format("x^0123456789"));
        assertEquals("xₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", Notation.format("x_aehijklmnoprstuvx"));
        assertEquals("xᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ", Notation.format("x^abcdefghijklmnoprstuvwxyz"));
    }

    @Test
    void scriptsWithoutUnicodeFormsStayAsWrittenWithTheirOwnMarkupRendered() {
        assertEquals("‖Wₖ‖_F", Notation.format("||W_k||_F"));
        assertEquals("L^(1/2-β)", Notation.format("L^(1/2-beta)"));
        assertEquals("∇_Aₖ loss", Notation.format("nabla_{A_k} loss"));
        assertEquals("L^0.5", Notation.format("L^0.5"));
    }

    @Test
    void wordsThatOnlyContainAGreekNameAndUnicodeInputAreLeftAlone() {
        assertEquals("deltaA alphabet betas", Notation.format("deltaA alphabet betas"));
        assertEquals("|δₖ| Aₖ, ε", Notation.format("|δₖ| Aₖ, ε"));
        assertEquals("A[3,4]", Notation.format("A[3,4]"));
        assertEquals("_x x_ a^ ^", Notation.format("_x x_ a^ ^"));
        assertEquals("x_{unclosed", Notation.format("x_{unclosed"));
        assertEquals("", Notation.format(""));
        assertNull(Notation.format(null));
    }
}
