package org.layerwise.study;

import java.io.PrintStream;
import java.util.List;

/**
 * A command of a study group that is not a study: {@code layerwise GROUP WORD ...}, e.g. an analysis of a
 * folder that no study of the group trained. A study of the group offers it ({@link Study#groupCommands()});
 * the command line lists it in the group's help and dispatches to it as it does to the group's studies,
 * without naming it.
 */
public interface GroupCommand {
    /** The word after the group's word. */
    String word();

    /** The word and its arguments, short ("WORD FOLDER"), for the help's command column. */
    String synopsis();

    /** What it does, one line, beside its synopsis in the help. */
    String summary();

    /** Its {@code --help} text. */
    String help();

    /**
     * Runs the command on the words after {@link #word()}. Bad input is a
     * {@link org.layerwise.config.ConfigException} or {@link org.layerwise.data.DataException} (one line,
     * exit code 2), a problem of the environment an {@link org.layerwise.io.EnvironmentException} (exit code 1).
     *
     * @return the exit code
     */
    int run(List<String> args, PrintStream out);
}
