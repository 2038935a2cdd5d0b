package org.layerwise.study;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.layerwise.io.Json;

/** Stable hashes of settings maps: SHA-256 of their canonical JSON (keys sorted), first 16 hex digits. */
public final class Fingerprints {
    private Fingerprints() {
    }

    public static String of(Map<String, ?> settings) {
        try {
            byte[] json = Json.toString(new TreeMap<>(settings)).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
