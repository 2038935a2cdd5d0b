package org.layerwise.reproduce;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.layerwise.config.ConfigException;

/** The registry: every headline claim of both papers, in the order of docs/reproduce.md. */
public final class Claims {
    private static final List<Claim> ALL;

    static {
        List<Claim> all = new ArrayList<>(ElrClaims.all());
        all.addAll(ScalingClaims.all());
        ALL = List.copyOf(all);
    }

    private Claims() {
    }

    public static List<Claim> all() {
        return ALL;
    }

    /**
     * The claims named by {@code --only} ("1,5", "8" for 8a and 8b), in registry order; every claim when
     * {@code only} is null or blank. A ConfigException names an unknown one and lists the known ones.
     */
    public static List<Claim> select(String only) {
        if (only == null || only.isBlank()) {
            return ALL;
        }
        Set<Claim> picked = new LinkedHashSet<>();
        for (String raw : only.split(",", -1)) {
            String id = raw.trim();
            List<Claim> hit = ALL.stream().filter(c -> c.id().equals(id) || c.id().matches(java.util.regex.Pattern.quote(id) + "[a-z]")).toList();
            if (id.isEmpty() || hit.isEmpty()) {
                throw new ConfigException("only: unknown claim '" + ConfigException.quote(id) + "'; claims: "
                        + String.join(", ", ALL.stream().map(Claim::id).toList()) + " (8 selects 8a and 8b)");
            }
            picked.addAll(hit);
        }
        return ALL.stream().filter(picked::contains).toList();
    }
}
