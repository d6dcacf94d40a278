package io.conflux.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The demo's report: the summary the {@code demo} command produced ({@value #SCHEMA}), written as {@code summary.json}
 * and as {@code report.html}, one self-contained page that opens offline (inline CSS and JavaScript, no network, no
 * other files). The page's script reads the summary embedded in a {@code <script type="application/json">} element
 * and draws the charts (inline SVG) and tables from it.
 *
 * <p>The embedded JSON escapes {@code <}, {@code >}, {@code &}, U+2028 and U+2029 as {@code \}{@code uXXXX}, so no
 * string in the summary (a trader's label, say) can end the script element or be read as markup; the page itself
 * only ever inserts the summary's values as text.
 */
public final class DemoReport {
    /** The summary's {@code schema} value this report reads. */
    public static final String SCHEMA = "conflux-demo-summary/1";
    /** Where the template takes the embedded summary. */
    static final String PLACEHOLDER = "@@SUMMARY_JSON@@";
    private static final List<String> OBJECTS = List.of("options", "timeline", "chain", "agent", "settlement");
    private static final List<String> ARRAYS = List.of("phases", "traders", "rounds", "models", "payouts");
    private static final ObjectMapper JSON = new ObjectMapper();

    private DemoReport() {}

    /**
     * Writes {@code dir/summary.json} (pretty-printed) and {@code dir/report.html}, creating {@code dir} if needed.
     *
     * @return the report's path
     * @throws IllegalArgumentException when the summary is not a {@value #SCHEMA} summary: the message names the
     *     missing or invalid field
     */
    public static Path write(JsonNode summary, Path dir) throws IOException {
        validate(summary);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("summary.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary) + "\n");
        Path report = dir.resolve("report.html");
        Files.writeString(report, html(summary));
        return report;
    }

    /** The report page: the template with the summary embedded. */
    static String html(JsonNode summary) throws IOException {
        String template = template();
        int at = template.indexOf(PLACEHOLDER);
        if (at < 0 || template.indexOf(PLACEHOLDER, at + 1) >= 0) throw new IllegalStateException("report.html must hold " + PLACEHOLDER + " exactly once");
        return template.substring(0, at) + embeddable(summary) + template.substring(at + PLACEHOLDER.length());
    }

    /**
     * The summary as compact JSON that is safe inside a script element. The escaped characters can only occur inside
     * JSON strings, where {@code \}{@code uXXXX} means the same character, so {@code JSON.parse} reads back the summary.
     */
    static String embeddable(JsonNode summary) throws IOException {
        String json = JSON.writeValueAsString(summary);
        StringBuilder out = new StringBuilder(json.length() + 64);
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            switch (c) {
                case '<' -> out.append("\\u003c");
                case '>' -> out.append("\\u003e");
                case '&' -> out.append("\\u0026");
                case '\u2028' -> out.append("\\u2028");
                case '\u2029' -> out.append("\\u2029");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Checks the schema and that every section the report reads is there, with the right JSON type. */
    static void validate(JsonNode summary) {
        if (summary == null || !summary.isObject()) throw new IllegalArgumentException("the summary must be a JSON object, was " + kind(summary));
        JsonNode schema = summary.get("schema");
        if (schema == null || !schema.isTextual() || !SCHEMA.equals(schema.textValue()))
            throw new IllegalArgumentException("summary.schema must be \"" + SCHEMA + "\", was " + (schema == null ? "missing" : schema.toString()));
        for (String name : OBJECTS) require(summary, name, true, "summary." + name);
        for (String name : ARRAYS) require(summary, name, false, "summary." + name);
        require(summary.get("settlement"), "epochs", false, "summary.settlement.epochs");
        require(summary.get("agent"), "markets", false, "summary.agent.markets");
        require(summary.get("agent"), "total", true, "summary.agent.total");
        integer(summary.get("agent"), "quoteDecimals", "summary.agent.quoteDecimals");
        integer(summary.get("chain"), "tokenDecimals", "summary.chain.tokenDecimals");
    }

    private static void require(JsonNode parent, String name, boolean object, String path) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) throw new IllegalArgumentException(path + " is missing");
        if (object ? !node.isObject() : !node.isArray())
            throw new IllegalArgumentException(path + " must be " + (object ? "an object" : "an array") + ", was " + kind(node));
    }

    private static void integer(JsonNode parent, String name, String path) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) throw new IllegalArgumentException(path + " is missing");
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 0 || node.intValue() > 36)
            throw new IllegalArgumentException(path + " must be an integer from 0 to 36, was " + node);
    }

    private static String kind(JsonNode node) {
        return node == null ? "missing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String template() throws IOException {
        try (InputStream in = DemoReport.class.getResourceAsStream("report.html")) {
            if (in == null) throw new IllegalStateException("the report template io/conflux/local/report.html is not on the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
