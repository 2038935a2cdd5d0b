package org.layerwise.study;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.layerwise.config.ConfigException;

/** The studies on the class path, found through {@link ServiceLoader} (no native code is loaded by finding them). */
public final class StudyRegistry {
    private static volatile Map<String, Study> studies;

    private StudyRegistry() {
    }

    public static Map<String, Study> all() {
        if (studies == null) {
            Map<String, Study> m = new LinkedHashMap<>();
            for (Study s : ServiceLoader.load(Study.class)) {
                m.put(s.name(), s);
            }
            studies = m;
        }
        return studies;
    }

    public static Study get(String name) {
        Study s = all().get(name);
        if (s == null) {
            throw new ConfigException("unknown study '" + name + "'; studies: " + String.join(", ", all().keySet()));
        }
        return s;
    }
}
