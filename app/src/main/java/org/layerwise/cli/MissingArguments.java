package org.layerwise.cli;

/**
 * A command was given too few arguments to do anything: {@link Main} prints its usage to stderr and
 * exits 2, as command-line tools do (help that was asked for goes to stdout with exit 0).
 */
final class MissingArguments extends RuntimeException {
    private final String usage;

    MissingArguments(String usage) {
        super("missing arguments", null, false, false);
        this.usage = usage;
    }

    String usage() {
        return usage;
    }
}
