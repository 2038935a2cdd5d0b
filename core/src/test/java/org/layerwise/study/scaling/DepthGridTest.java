package org.layerwise.study.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class DepthGridTest {
    @Test
    void paperGridMatchesTheReferenceFunction() {
        List<Integer> g = DepthGrid.geometric(3, 10000, 1.2);
        assertEquals(List.of(3, 4, 5, 6, 7, 8, 10, 12, 15, 18, 22, 26, 31, 38, 46, 55, 66, 79, 95, 114, 137, 164, 197, 237, 284, 341,
                410, 492, 590, 708, 850, 1020, 1224, 1469, 1763, 2116, 2539, 3047, 3657, 4388, 5266, 6319, 7583, 9100), g);
        assertEquals(54561, g.stream().mapToInt(Integer::intValue).sum());
        assertEquals(31, DepthGrid.geometric(3, 1000, 1.2).size());
        assertEquals(List.of(3, 4, 5, 6, 8), DepthGrid.geometric(3, 10, 1.25992105));
    }

    @Test
    void badGridsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> DepthGrid.geometric(-1, 10, 1.2));
        assertThrows(IllegalArgumentException.class, () -> DepthGrid.geometric(20, 10, 1.2));
        assertThrows(IllegalArgumentException.class, () -> DepthGrid.geometric(3, 10, 1.0));
    }
}
