package org.spsec.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code --config FILE}: a TOML file whose keys are the command's long option names without the
 * dashes ({@code bus}, {@code store}, {@code keys}, {@code send}, ...). A value in the file is the
 * option's value unless the option was given on the command line, which wins (a list such as
 * {@code send} or {@code keys} is replaced whole, not extended). Relative paths resolve against
 * the file's directory.
 *
 * <p>The file stands for a part of the command line, so what is wrong in it is a usage error
 * (exit 2): a syntax error, an unknown key, a value of the wrong type, and (through {@link #blame})
 * a value out of range; each is one line naming the file, the line and the key. A file that cannot
 * be read at all (missing, a directory, too large) is a failure (exit 1).
 */
final class ConfigFile {
    /** At most this many bytes: a configuration is a few lines; a larger file is refused unread. */
    static final int MAX_BYTES = 64 * 1024;

    /** Options that are not keys: the file itself, and the options about the program rather than the node. */
    private static final Set<String> NOT_KEYS = Set.of("config", "help", "version", "debug");

    private final Path file;
    private final String text;
    /** Option name ({@code --bus}) to where its value came from ({@code p5.toml: line 2: bus}). */
    private final Map<String, String> origins = new LinkedHashMap<>();

    private ConfigFile(Path file, String text) {
        this.file = file;
        this.text = text;
    }

    /** No file: nothing applied, messages unchanged. */
    static ConfigFile none() {
        return new ConfigFile(null, "");
    }

    /**
     * Runs a command with its {@code --config} file applied (options given on the command line
     * win): {@code required} reads, after the file is applied, an option the command cannot do
     * without ({@code missing} is the error when it is null); errors that came from the file name
     * it and its line.
     */
    static Integer run(CommandSpec spec, Path file, java.util.function.Supplier<?> required, String missing,
                       java.util.concurrent.Callable<Integer> body) throws Exception {
        ConfigFile fromFile = apply(spec, file);
        try {
            if (required.get() == null) {
                throw new UserException(missing, SpsecMain.EXIT_USAGE);
            }
            return body.call();
        } catch (UserException e) {
            throw fromFile.blame(e);
        }
    }

    /**
     * Reads {@code file} (if not null) and sets every option of {@code spec} that the command
     * line did not give from it.
     */
    static ConfigFile apply(CommandSpec spec, Path file) {
        if (file == null) {
            return none();
        }
        ConfigFile c = new ConfigFile(file, read(file));
        c.applyTo(spec);
        return c;
    }

    /** The keys {@code spec} accepts in a file, sorted. */
    static Set<String> keys(CommandSpec spec) {
        Set<String> keys = new TreeSet<>();
        for (OptionSpec o : spec.options()) {
            String key = key(o);
            if (key != null) {
                keys.add(key);
            }
        }
        return keys;
    }

    /** The file key of an option: its long name without the dashes, or null if it is not a key. */
    private static String key(OptionSpec o) {
        String name = o.longestName();
        if (!name.startsWith("--")) {
            return null;
        }
        String key = name.substring(2);
        return NOT_KEYS.contains(key) ? null : key;
    }

    /** Whether values of this option's type can come from a file (every option of participant, sync and monitor can). */
    static boolean supported(OptionSpec o) {
        Class<?> t = o.type();
        if (List.class.isAssignableFrom(t)) {
            Class<?>[] aux = o.auxiliaryTypes();
            return aux.length == 1 && (aux[0] == String.class || aux[0] == Path.class);
        }
        return t == String.class || t == Path.class || t == int.class || t == Integer.class || t == long.class || t == Long.class
                || t == boolean.class || t == Boolean.class;
    }

    private static String read(Path file) {
        byte[] raw;
        try {
            if (Files.isDirectory(file)) {
                throw new UserException("--config " + file + ": a directory, not a file");
            }
            try (InputStream in = Files.newInputStream(file)) {
                raw = in.readNBytes(MAX_BYTES + 1);
            }
        } catch (NoSuchFileException e) {
            throw new UserException("--config: no such file: " + file);
        } catch (IOException e) {
            throw new UserException("--config: cannot read " + file + ": " + CliInputs.why(e));
        }
        if (raw.length > MAX_BYTES) {
            throw new UserException("--config " + file + ": more than " + MAX_BYTES / 1024 + " KiB; a configuration file is a few lines");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new UserException(file + ": not UTF-8 text (TOML files are UTF-8)", SpsecMain.EXIT_USAGE);
        }
    }

    private void applyTo(CommandSpec spec) {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(text);
        } catch (JacksonException e) {
            if ("Duplicate key".equals(e.getOriginalMessage())) {
                duplicate(); // the library points past it: name the key and both lines
            }
            JsonLocation at = e.getLocation();
            String line = at != null && at.getLineNr() > 0 ? "line " + at.getLineNr() + ": " : "";
            throw new UserException(file + ": " + line + "not TOML: " + e.getOriginalMessage(), SpsecMain.EXIT_USAGE);
        }
        ParseResult given = spec.commandLine().getParseResult();
        String command = spec.qualifiedName();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            String key = entry.getKey();
            OptionSpec option = NOT_KEYS.contains(key) ? null : spec.findOption("--" + key);
            if (option == null || key(option) == null || !key(option).equals(key)) {
                throw new UserException(where(key) + ": unknown key for " + command + " (keys: " + String.join(", ", keys(spec)) + ")",
                        SpsecMain.EXIT_USAGE);
            }
            Object value = convert(key, option, entry.getValue());
            if (given != null && given.hasMatchedOption(option)) {
                continue; // the command line wins
            }
            option.setValue(value);
            origins.put(option.longestName(), where(key));
        }
    }

    /** A key set twice at the top level: one line naming it and both places (TOML allows a key once). */
    private void duplicate() {
        Map<String, Integer> first = new LinkedHashMap<>();
        Matcher m = Pattern.compile("^[ \\t]*([A-Za-z0-9_-]+)[ \\t]*=", Pattern.MULTILINE).matcher(text);
        while (m.find()) {
            int line = lineAt(m.start());
            Integer before = first.putIfAbsent(m.group(1), line);
            if (before != null) {
                throw new UserException(file + ": line " + line + ": " + m.group(1) + ": set twice (first on line " + before + ")",
                        SpsecMain.EXIT_USAGE);
            }
        }
    }

    /** The node as a value of the option's type, or a usage error naming the key and the type wanted. */
    private Object convert(String key, OptionSpec option, JsonNode node) {
        Class<?> t = option.type();
        if (List.class.isAssignableFrom(t)) {
            boolean paths = option.auxiliaryTypes()[0] == Path.class;
            if (!node.isArray() && !node.isTextual()) { // one string is a list of one
                throw wrongType(key, node, "a list of strings, e.g. " + key + " = [\"" + (paths ? "group.keys" : "181=0102") + "\"]");
            }
            List<Object> values = new ArrayList<>();
            for (JsonNode element : node.isTextual() ? List.of(node) : node) {
                if (!element.isTextual()) {
                    throw wrongType(key, element, "a list of strings");
                }
                values.add(paths ? path(element.textValue()) : element.textValue());
            }
            return values;
        }
        if (t == boolean.class || t == Boolean.class) {
            if (!node.isBoolean()) {
                throw wrongType(key, node, "true or false");
            }
            return node.booleanValue();
        }
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
            boolean isInt = t == int.class || t == Integer.class;
            if (!node.isIntegralNumber()) {
                throw wrongType(key, node, "a whole number");
            }
            if (isInt ? !node.canConvertToInt() : !node.canConvertToLong()) {
                throw new UserException(where(key) + ": " + node.asText() + " is out of range", SpsecMain.EXIT_USAGE);
            }
            return isInt ? (Object) node.intValue() : (Object) node.longValue();
        }
        if (t == String.class || t == Path.class) {
            if (!node.isTextual()) {
                throw wrongType(key, node, "a string (in quotes)");
            }
            return t == Path.class ? path(node.textValue()) : node.textValue();
        }
        throw new IllegalStateException("option " + option.longestName() + " of type " + t.getName() + " cannot come from a configuration file");
    }

    private UserException wrongType(String key, JsonNode node, String wanted) {
        String got = switch (node.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> node.isIntegralNumber() ? "a whole number" : "a decimal number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "a list";
            case OBJECT -> "a table";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
        return new UserException(where(key) + ": " + got + " where " + wanted + " is expected", SpsecMain.EXIT_USAGE);
    }

    /** A path in the file: relative ones are relative to the file's directory, not to where the command runs. */
    private Path path(String value) {
        Path p = Path.of(value);
        if (p.isAbsolute()) {
            return p;
        }
        Path dir = file.toAbsolutePath().getParent();
        return dir == null ? p : dir.resolve(p).normalize();
    }

    /** {@code FILE: line N: key}, or {@code FILE: key} where the key's line cannot be found (a quoted or dotted key). */
    private String where(String key) {
        int line = lineOf(key);
        return file + ": " + (line > 0 ? "line " + line + ": " : "") + key;
    }

    /** The line where {@code key} is set ({@code key =}) or opens a table ({@code [key]}), 1-based; 0 if not found. */
    int lineOf(String key) {
        String k = Pattern.quote(key);
        Matcher m = Pattern.compile("^[ \\t]*(?:(?:" + k + "|\"" + k + "\"|'" + k + "')[ \\t]*[=.]|\\[+[ \\t]*" + k + "[ \\t]*[].])",
                Pattern.MULTILINE).matcher(text);
        if (!m.find()) {
            return 0;
        }
        return lineAt(m.start());
    }

    /** The 1-based line of a position in the text. */
    private int lineAt(int position) {
        int line = 1;
        for (int i = 0; i < position; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /**
     * A usage error about an option whose value came from this file says so: {@code --heartbeat
     * must be 0..6} becomes {@code p5.toml: line 3: heartbeat must be 0..6}. Other errors are
     * returned as they are.
     */
    UserException blame(UserException e) {
        String m = e.getMessage();
        if (e.exitCode() != SpsecMain.EXIT_USAGE || m == null || !m.startsWith("--")) {
            return e;
        }
        int end = 2;
        while (end < m.length() && (Character.isLetterOrDigit(m.charAt(end)) || m.charAt(end) == '-')) {
            end++;
        }
        String origin = origins.get(m.substring(0, end));
        if (origin == null) {
            return e;
        }
        UserException blamed = new UserException(origin + m.substring(end), e.exitCode());
        blamed.setStackTrace(e.getStackTrace());
        return blamed;
    }

    /** Where an option's value came from ({@code p5.toml: line 2: bus}), or null if not from this file. */
    String origin(String option) {
        return origins.get(option);
    }
}
