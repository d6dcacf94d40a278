package io.conflux.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's report rendered in headless Chromium: every chart draws (as many marks as the summary has data points),
 * the tables have a row per item, edge cases say in words why a chart is empty, and no value in the summary can break
 * the page. The page's script writes what it drew as attributes ({@code data-drawn}, {@code data-marks},
 * {@code data-error} on each {@code figure.chart}; {@code data-rendered} and {@code data-errors} on the body), which the
 * tests read from the DOM Chromium dumps. One render per scenario.
 */
class DemoReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INJECTED = "trader-2 </script><b>x</b>";

    @Test
    void aRealisticDemo_drawsEveryChartWithOneMarkPerDataPoint_andEveryTableRow(@TempDir Path dir) throws IOException {
        ObjectNode summary = Summaries.of(5, 3, List.of("BTC-USDT", "ETH-USDT"), 4, 7);
        summary.get("traders").forEach(t -> { if (t.get("id").asText().equals("trader-2")) ((ObjectNode) t).put("id", INJECTED); });
        rename(summary, "trader-2", INJECTED);

        Page page = render(summary, dir);

        page.assertClean();
        assertEquals(expectedMarks(summary), page.marks(), "the marks each chart drew");
        for (JsonNode m : summary.at("/agent/markets")) {
            String figure = page.figure("price-" + m.get("market").asText());
            assertFalse(figure.contains("no trades"), "a market with trades");
            assertTrue(figure.contains("Return "), "the market's summary line");
        }
        assertRows(page, summary);
        for (JsonNode e : summary.at("/settlement/epochs"))
            assertTrue(page.table("epochs").contains("title=\"" + e.get("txHash").asText() + "\""), "epoch " + e.get("epoch") + " shows its tx hash");
        for (JsonNode p : summary.get("payouts"))
            for (JsonNode c : p.get("claims")) assertTrue(page.table("payouts").contains("title=\"" + c.get("tx").asText() + "\""), "claim tx " + c.get("tx"));
        // the header's plain-language summary is computed from the data
        assertTrue(page.dom.contains("5 traders, 3 rounds; the global model scored"), "lede");
        assertTrue(page.dom.contains("buy-and-hold"), "lede mentions buy-and-hold");
        // a label that tries to end the script element and add markup is shown as text, everywhere it appears
        assertFalse(page.dom.contains("<b>x</b>"), "no markup from the summary");
        assertTrue(page.table("traders").contains("trader-2 &lt;/script&gt;&lt;b&gt;x&lt;/b&gt;"), "the label is text");
        assertTrue(page.table("payouts").contains("trader-2 &lt;/script&gt;&lt;b&gt;x&lt;/b&gt;"), "the label is text");
        assertEquals(3, count(page.dom, "<script"), "only the page's own script elements");
    }

    @Test
    void edgeCases_oneTraderOneRound_noTrades_noProfit_renderAndSaySo(@TempDir Path dir) throws IOException {
        ObjectNode summary = Summaries.of(1, 1, List.of("BTC-USDT"), 2, 11);
        ObjectNode market = (ObjectNode) summary.at("/agent/markets/0");
        market.putArray("trades");
        Summaries.noProfit(summary);

        Page page = render(summary, dir);

        page.assertClean();
        assertEquals(expectedMarks(summary), page.marks());
        assertEquals(0, page.marks().get("price-BTC-USDT"));
        assertTrue(page.figure("price-BTC-USDT").contains("no trades"), "the price chart says there were no trades");
        assertEquals(2, page.marks().get("payouts"), "one trader: an allocated and a claimed bar, both zero");
        assertTrue(page.figure("payouts").contains("Nothing was allocated to traders"), "the payouts chart says nothing was allocated");
        assertTrue(page.dom.contains("1 trader, 1 round;"), "singular in the lede");
        assertTrue(page.dom.contains("nothing was paid out to traders"), "the lede says nothing was paid out");
        assertRows(page, summary);
        assertTrue(page.table("payouts").contains("no claims"));
    }

    @Test
    void emptySections_drawAxesAndSayWhyNothingIsThere(@TempDir Path dir) throws IOException {
        ObjectNode summary = Summaries.of(2, 1, List.of("BTC-USDT"), 1, 3);
        for (String section : List.of("phases", "rounds", "models", "payouts")) summary.putArray(section);
        ((ObjectNode) summary.get("settlement")).putArray("epochs");
        ObjectNode agent = (ObjectNode) summary.get("agent");
        agent.putArray("markets");
        ObjectNode total = agent.putObject("total");
        total.putNull("return");
        for (String series : List.of("equity", "buyAndHold", "drawdown")) total.putArray(series);

        Page page = render(summary, dir);

        page.assertClean();
        assertEquals(Map.of("models", 0, "contributions", 0, "equity", 0, "drawdown", 0, "payouts", 0), page.marks());
        assertTrue(page.figure("models").contains("No models were evaluated"));
        assertTrue(page.figure("contributions").contains("No rounds ran"));
        assertTrue(page.figure("equity").contains("no equity"));
        assertTrue(page.figure("drawdown").contains("No drawdown"));
        assertTrue(page.figure("payouts").contains("nothing was allocated"));
        for (String figure : page.marks().keySet()) assertTrue(page.figure(figure).contains("class=\"domain\""), figure + " draws its axes");
        assertTrue(page.dom.contains("The agent traded no markets."));
        assertRows(page, summary);
    }

    @Test
    void write_embedsTheSummarySafely_andWritesItPrettyPrinted(@TempDir Path dir) throws IOException {
        ObjectNode summary = Summaries.of(2, 1, List.of("BTC-USDT"), 1, 5);
        ((ObjectNode) summary.at("/phases/0")).put("detail", "a </script><script>alert(1)</script> & <!-- \u2028 \u2029 > done");

        Path report = DemoReport.write(summary, dir);

        assertEquals(dir.resolve("report.html"), report);
        String html = Files.readString(report);
        assertFalse(html.contains(DemoReport.PLACEHOLDER));
        String embedded = between(html, "<script type=\"application/json\" id=\"summary\">", "</script>");
        for (String unsafe : List.of("<", ">", "&", "\u2028", "\u2029")) assertFalse(embedded.contains(unsafe), "escaped: " + unsafe);
        assertTrue(embedded.contains("\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"), embedded);
        JsonNode expected = JSON.readTree(JSON.writeValueAsString(summary)); // as parsed: numbers in their smallest node types
        assertTrue(expected.equals(JSON.readTree(embedded)), "the embedded JSON reads back as the summary");
        String written = Files.readString(dir.resolve("summary.json"));
        assertTrue(expected.equals(JSON.readTree(written)), "summary.json is the summary");
        assertTrue(written.contains("\n  \"schema\" : \"conflux-demo-summary/1\""), "pretty-printed");
        // offline: the page loads nothing
        String page = html.replace(embedded, "");
        for (String external : List.of("<link", " src=", "href=", "@import", "url(", "fetch(", "XMLHttpRequest", "<iframe", "<img"))
            assertFalse(page.contains(external), "the page must not load anything: found " + external);
    }

    @Test
    void write_rejectsASummaryThatIsNotAConfluxDemoSummary(@TempDir Path dir) {
        List<String> sections = List.of("options", "timeline", "phases", "chain", "traders", "rounds", "models", "agent", "settlement", "payouts");
        for (String section : sections) {
            ObjectNode summary = Summaries.of(2, 1, List.of("BTC-USDT"), 1, 5);
            summary.remove(section);
            var e = assertThrows(IllegalArgumentException.class, () -> DemoReport.write(summary, dir));
            assertEquals("summary." + section + " is missing", e.getMessage());
        }
        ObjectNode summary = Summaries.of(2, 1, List.of("BTC-USDT"), 1, 5);
        summary.put("rounds", "three");
        assertEquals("summary.rounds must be an array, was string",
                assertThrows(IllegalArgumentException.class, () -> DemoReport.write(summary, dir)).getMessage());
        summary.set("rounds", JSON.createArrayNode());
        ((ObjectNode) summary.get("settlement")).remove("epochs");
        assertEquals("summary.settlement.epochs is missing", assertThrows(IllegalArgumentException.class, () -> DemoReport.write(summary, dir)).getMessage());
        ((ObjectNode) summary.get("settlement")).putArray("epochs");
        ((ObjectNode) summary.get("agent")).remove("total");
        assertEquals("summary.agent.total is missing", assertThrows(IllegalArgumentException.class, () -> DemoReport.write(summary, dir)).getMessage());
        summary.put("schema", "conflux-demo-summary/2");
        assertEquals("summary.schema must be \"conflux-demo-summary/1\", was \"conflux-demo-summary/2\"",
                assertThrows(IllegalArgumentException.class, () -> DemoReport.write(summary, dir)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> DemoReport.write(JSON.createArrayNode(), dir));
        assertFalse(Files.exists(dir.resolve("report.html")), "nothing written for an invalid summary");
    }

    // ------------------------------------------------------------------ expectations, computed from the summary alone

    /** Marks per chart: a dot per model, a segment per contribution, a point per total equity/drawdown point, a marker per trade, two bars per trader. */
    static Map<String, Integer> expectedMarks(JsonNode summary) {
        Map<String, Integer> marks = new LinkedHashMap<>();
        marks.put("models", summary.get("models").size());
        int segments = 0;
        for (JsonNode r : summary.get("rounds")) segments += r.get("contributions").size();
        marks.put("contributions", segments);
        marks.put("equity", summary.at("/agent/total/equity").size());
        marks.put("drawdown", summary.at("/agent/total/drawdown").size());
        for (JsonNode m : summary.at("/agent/markets")) marks.put("price-" + m.get("market").asText(), m.get("trades").size());
        marks.put("payouts", 2 * summary.get("payouts").size());
        return marks;
    }

    static void assertRows(Page page, JsonNode summary) {
        assertEquals(summary.get("phases").size(), page.rows("phases"), "a row per phase");
        assertEquals(summary.get("models").size(), page.rows("models"), "a row per model");
        assertEquals(summary.get("traders").size(), page.rows("traders"), "a row per trader");
        assertEquals(summary.get("rounds").size(), page.rows("rounds"), "a row per round");
        assertEquals(summary.at("/settlement/epochs").size(), page.rows("epochs"), "a row per epoch");
        assertEquals(summary.get("payouts").size(), page.rows("payouts"), "a row per trader paid");
    }

    // ------------------------------------------------------------------ the rendered page

    private static Page render(JsonNode summary, Path dir) throws IOException {
        return new Page(Chromium.dumpDom(DemoReport.write(summary, dir)));
    }

    /** The report as Chromium left it after its script ran (also read by DemoRunTest). */
    record Page(String dom) {
        private static final Pattern FIGURE = Pattern.compile("<figure((?:\\s+[\\w:-]+(?:=\"[^\"]*\")?)*)\\s*>");
        private static final Pattern BODY = Pattern.compile("<body((?:\\s+[\\w:-]+(?:=\"[^\"]*\")?)*)\\s*>");
        private static final Pattern ATTRIBUTE = Pattern.compile("([\\w:-]+)=\"([^\"]*)\"");

        /** The page's script finished, recorded no error, and drew every chart. */
        void assertClean() {
            Matcher body = BODY.matcher(dom);
            assertTrue(body.find(), "a body");
            Map<String, String> attrs = attributes(body.group(1));
            assertNull(attrs.get("data-errors"), "script errors: " + attrs.get("data-errors"));
            assertEquals("true", attrs.get("data-rendered"), "the page's script ran to the end");
            List<Map<String, String>> figures = figures();
            assertFalse(figures.isEmpty(), "charts");
            assertEquals(String.valueOf(figures.size()), attrs.get("data-charts"), "every chart went through the drawing code");
            for (Map<String, String> f : figures) {
                assertEquals("chart", f.get("class"));
                assertNull(f.get("data-error"), f.get("data-chart") + " failed: " + f.get("data-error"));
                assertEquals("true", f.get("data-drawn"), f.get("data-chart") + " drawn");
                assertNotNull(f.get("data-marks"), f.get("data-chart") + " counts its marks");
            }
        }

        List<Map<String, String>> figures() {
            List<Map<String, String>> out = new ArrayList<>();
            Matcher m = FIGURE.matcher(dom);
            while (m.find()) out.add(attributes(m.group(1)));
            return out;
        }

        /** data-marks per data-chart, in page order. */
        Map<String, Integer> marks() {
            Map<String, Integer> out = new LinkedHashMap<>();
            for (Map<String, String> f : figures()) out.put(f.get("data-chart"), Integer.valueOf(f.get("data-marks")));
            return out;
        }

        /** The figure's markup, up to its end tag. */
        String figure(String chart) {
            int at = dom.indexOf("data-chart=\"" + chart + "\"");
            assertTrue(at >= 0, "no figure " + chart);
            return dom.substring(at, dom.indexOf("</figure>", at));
        }

        String table(String name) {
            int at = dom.indexOf("data-table=\"" + name + "\"");
            assertTrue(at >= 0, "no table " + name);
            return dom.substring(at, dom.indexOf("</table>", at));
        }

        /** Data rows in the table's body (the "none" row of an empty table does not count). */
        int rows(String name) {
            String body = between(table(name), "<tbody>", "</tbody>");
            return count(body, "<tr>") + count(body, "<tr ") - count(body, "<tr class=\"empty\">");
        }

        private static Map<String, String> attributes(String text) {
            Map<String, String> out = new LinkedHashMap<>();
            Matcher a = ATTRIBUTE.matcher(text);
            while (a.find()) out.put(a.group(1), a.group(2).replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"));
            return out;
        }
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertTrue(from >= 0, "no " + start);
        from += start.length();
        return text.substring(from, text.indexOf(end, from));
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) n++;
        return n;
    }

    /** Renames a trader everywhere it is referred to by id. */
    private static void rename(ObjectNode summary, String from, String to) {
        for (JsonNode r : summary.get("rounds"))
            for (JsonNode c : r.get("contributions")) if (c.get("trader").asText().equals(from)) ((ObjectNode) c).put("trader", to);
        for (JsonNode p : summary.get("payouts")) if (p.get("trader").asText().equals(from)) ((ObjectNode) p).put("trader", to);
        for (JsonNode m : summary.get("models")) if (m.get("trader").asText().equals(from)) {
            ((ObjectNode) m).put("trader", to);
            ((ObjectNode) m).put("name", "local (" + to + ")");
        }
    }

    // ------------------------------------------------------------------ summaries as the demo writes them

    /** Realistic "conflux-demo-summary/1" summaries: generated, deterministic per seed. */
    static final class Summaries {
        static final long USDT = 1_000_000L;
        static final Instant TRAINING_BEFORE = Instant.parse("2024-05-01T00:00:00Z");
        static final Instant AGENT_FROM = Instant.parse("2024-05-15T00:00:00Z");
        static final int AGENT_DAYS = 7;

        /** {@code traders} traders over {@code rounds} rounds; the agent trades {@code markets} hourly for a week; {@code epochs} settlement epochs. */
        static ObjectNode of(int traders, int rounds, List<String> markets, int epochs, long seed) {
            Random rnd = new Random(seed);
            ObjectNode s = JSON.createObjectNode();
            s.put("schema", DemoReport.SCHEMA);
            s.put("generatedAt", "2024-06-01T12:34:56Z");
            s.put("durationSeconds", 312.4);
            ObjectNode options = s.putObject("options");
            options.put("traders", traders).put("rounds", rounds).put("epochs", epochs);
            markets.forEach(options.putArray("markets")::add);
            options.put("agentDays", AGENT_DAYS).put("validationDays", 14).put("historyDays", 120).put("seed", seed);
            ObjectNode timeline = s.putObject("timeline");
            timeline.put("trainingBefore", TRAINING_BEFORE.toString());
            timeline.putObject("validation").put("market", "btc-usdt-1h").put("from", TRAINING_BEFORE.toString()).put("to", AGENT_FROM.toString());
            timeline.putObject("agent").put("from", AGENT_FROM.toString()).put("to", AGENT_FROM.plus(Duration.ofDays(AGENT_DAYS)).toString());
            ArrayNode phases = s.putArray("phases");
            for (String name : List.of("start platform", "deploy contracts", "train and upload", "rounds", "agent", "settle", "claim"))
                phases.addObject().put("name", name).put("seconds", Math.round(rnd.nextDouble() * 600) / 10.0).put("status", "ok").put("detail", name + " done");
            s.putObject("chain").put("rpc", "http://127.0.0.1:8545").put("chainId", 31337).put("vault", address(rnd)).put("registry", address(rnd))
                    .put("token", address(rnd)).put("tokenSymbol", "USDT").put("tokenDecimals", 6);

            List<String> ids = new ArrayList<>();
            List<String> addresses = new ArrayList<>();
            ArrayNode traderList = s.putArray("traders");
            Instant historyFrom = TRAINING_BEFORE.minus(Duration.ofDays(120));
            for (int i = 1; i <= traders; i++) {
                ids.add("trader-" + i);
                addresses.add(address(rnd));
                Instant from = historyFrom.plus(Duration.ofDays(120L * (i - 1) / traders));
                Instant to = historyFrom.plus(Duration.ofDays(120L * i / traders));
                traderList.addObject().put("id", ids.get(i - 1)).put("address", addresses.get(i - 1)).put("market", "btc-usdt-1h")
                        .put("from", from.toString()).put("to", to.toString()).put("candles", Duration.between(from, to).toHours());
            }

            int windows = 336;
            double majority = 0.49;
            long[] lastShares = new long[traders];
            ArrayNode roundList = s.putArray("rounds");
            for (int r = 1; r <= rounds; r++) {
                ObjectNode round = roundList.addObject();
                round.put("number", r).put("roundId", "round-" + Long.toHexString(rnd.nextLong())).put("status", "PUBLISHED").put("modelVersion", r)
                        .put("onnxSha256", hex(rnd, 32)).put("rule", "clip(max=5)+median").put("accepted", traders).put("rejected", 0)
                        .put("seconds", 30 + rnd.nextInt(200) / 10.0);
                round.putObject("evaluation").put("windows", windows).put("accuracy", 0.49 + 0.01 * r + rnd.nextDouble() * 0.01)
                        .put("majorityBaseline", majority).put("logLoss", 1.05 - 0.01 * r);
                ArrayNode contributions = round.putArray("contributions");
                long[] ppm = split(1_000_000, traders, rnd);
                for (int i = 0; i < traders; i++) {
                    contributions.addObject().put("trader", ids.get(i)).put("address", addresses.get(i)).put("leaveOneOut", (rnd.nextDouble() - 0.3) * 0.004)
                            .put("shapley", ppm[i] / 1e6 * 0.01).put("payoutPpm", ppm[i]);
                }
                lastShares = ppm;
            }

            ArrayNode models = s.putArray("models");
            if (rounds > 0) model(models, "global (round " + rounds + ")", "global", null, windows, 0.51, majority, 1.01);
            for (int i = 0; i < traders; i++) model(models, "local (" + ids.get(i) + ")", "local", ids.get(i), windows, 0.47 + rnd.nextDouble() * 0.05, majority, 1.05);
            model(models, "central (all slices)", "central", null, windows, 0.53, majority, 0.99);
            model(models, "majority class", "baseline", null, windows, majority, majority, Double.NaN);

            s.set("agent", agent(markets, rnd));
            settlement(s, epochs, traders, ids, addresses, lastShares, rnd);
            return s;
        }

        /** Settlement without profit: nothing to the fee, contributors or traders, no claims. */
        static void noProfit(ObjectNode s) {
            for (JsonNode e0 : s.at("/settlement/epochs")) {
                ObjectNode e = (ObjectNode) e0;
                long hwm = e.get("highWaterMark").asLong();
                e.put("equity", hwm - 1234).put("profit", 0).put("fee", 0).put("contributors", 0).put("allocated", 0).put("dust", 0).put("investors", 0);
            }
            for (JsonNode p : s.get("payouts")) {
                ((ObjectNode) p).put("allocated", 0).put("claimed", 0).put("balance", 0);
                ((ObjectNode) p).putArray("claims");
            }
        }

        private static void model(ArrayNode models, String name, String kind, String trader, int windows, double accuracy, double majority, double logLoss) {
            int correct = (int) Math.round(accuracy * windows);
            double p = (double) correct / windows, z = 1.96, n = windows;
            double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
            double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
            ObjectNode m = models.addObject().put("name", name).put("kind", kind);
            if (trader == null) m.putNull("trader"); else m.put("trader", trader);
            m.put("windows", windows).put("correct", correct).put("accuracy", p).put("accuracyLow", centre - half).put("accuracyHigh", centre + half);
            if (Double.isNaN(logLoss)) m.putNull("logLoss"); else m.put("logLoss", logLoss);
            m.put("majorityBaseline", majority);
        }

        /** Each market hourly for a week: a random walk, buying at 05:00 and selling at 17:00 on most days. */
        private static ObjectNode agent(List<String> markets, Random rnd) {
            long initial = 10_000 * USDT;
            ObjectNode agent = JSON.createObjectNode().put("initialCash", initial).put("quoteDecimals", 6);
            ArrayNode list = agent.putArray("markets");
            int ticks = AGENT_DAYS * 24;
            long[] totalEquity = new long[ticks], totalHold = new long[ticks];
            for (String name : markets) {
                double price = name.startsWith("BTC") ? 61_000 + rnd.nextInt(4000) : 2_900 + rnd.nextInt(300);
                long cash = initial / markets.size(), qty = 0;
                double holdQty = (double) cash / USDT / price;
                ObjectNode m = list.addObject().put("market", name).put("ticks", ticks);
                ArrayNode candles = JSON.createArrayNode(), equity = JSON.createArrayNode(), hold = JSON.createArrayNode(),
                        drawdown = JSON.createArrayNode(), trades = JSON.createArrayNode();
                long first = cash, peak = cash, last = cash;
                double maxDd = 0, holdFirst = 0, holdLast = 0;
                for (int i = 0; i < ticks; i++) {
                    String t = AGENT_FROM.plus(Duration.ofHours(i)).toString();
                    double open = price;
                    price = Math.round(price * (1 + rnd.nextGaussian() * 0.006) * 100) / 100.0;
                    double high = Math.max(open, price) * (1 + rnd.nextDouble() * 0.003), low = Math.min(open, price) * (1 - rnd.nextDouble() * 0.003);
                    candles.addObject().put("t", t).put("o", open).put("h", round2(high)).put("l", round2(low)).put("c", price);
                    if (i % 24 == 5 && qty == 0 && rnd.nextInt(4) > 0) {
                        qty = (long) (cash / 2.0 / USDT / price * 1e8);
                        long notional = Math.round(qty / 1e8 * price * USDT);
                        cash -= notional;
                        trades.addObject().put("t", t).put("side", "BUY").put("price", price).put("quantity", qty).put("notional", notional);
                    } else if (i % 24 == 17 && qty > 0) {
                        long notional = Math.round(qty / 1e8 * price * USDT);
                        cash += notional;
                        trades.addObject().put("t", t).put("side", "SELL").put("price", price).put("quantity", qty).put("notional", notional);
                        qty = 0;
                    }
                    long value = cash + Math.round(qty / 1e8 * price * USDT);
                    long holdValue = Math.round(holdQty * price * USDT);
                    peak = Math.max(peak, value);
                    double dd = (double) value / peak - 1;
                    maxDd = Math.max(maxDd, -dd);
                    equity.addObject().put("t", t).put("v", value);
                    hold.addObject().put("t", t).put("v", holdValue);
                    drawdown.addObject().put("t", t).put("v", dd);
                    totalEquity[i] += value;
                    totalHold[i] += holdValue;
                    if (i == 0) holdFirst = holdValue;
                    holdLast = holdValue;
                    last = value;
                }
                m.put("return", (double) last / first - 1).put("buyAndHoldReturn", holdLast / holdFirst - 1).put("maxDrawdown", maxDd);
                m.set("candles", candles);
                m.set("equity", equity);
                m.set("buyAndHold", hold);
                m.set("drawdown", drawdown);
                m.set("trades", trades);
            }
            ObjectNode total = agent.putObject("total");
            ArrayNode equity = JSON.createArrayNode(), hold = JSON.createArrayNode(), drawdown = JSON.createArrayNode();
            long peak = 0;
            double maxDd = 0;
            for (int i = 0; i < ticks && !markets.isEmpty(); i++) {
                String t = AGENT_FROM.plus(Duration.ofHours(i)).toString();
                peak = Math.max(peak, totalEquity[i]);
                double dd = (double) totalEquity[i] / peak - 1;
                maxDd = Math.max(maxDd, -dd);
                equity.addObject().put("t", t).put("v", totalEquity[i]);
                hold.addObject().put("t", t).put("v", totalHold[i]);
                drawdown.addObject().put("t", t).put("v", dd);
            }
            total.put("return", markets.isEmpty() ? 0 : (double) totalEquity[ticks - 1] / totalEquity[0] - 1)
                    .put("buyAndHoldReturn", markets.isEmpty() ? 0 : (double) totalHold[ticks - 1] / totalHold[0] - 1).put("maxDrawdown", maxDd);
            total.set("equity", equity);
            total.set("buyAndHold", hold);
            total.set("drawdown", drawdown);
            return agent;
        }

        /** Epochs splitting the agent's week, each with a profit; traders' allocations by the last round's shares; all but the last trader claim. */
        private static void settlement(ObjectNode s, int epochs, int traders, List<String> ids, List<String> addresses, long[] shares, Random rnd) {
            ArrayNode list = s.putObject("settlement").putArray("epochs");
            long hwm = 10_000 * USDT;
            long[] allocated = new long[traders];
            List<List<long[]>> claims = new ArrayList<>();
            for (int i = 0; i < traders; i++) claims.add(new ArrayList<>());
            Duration length = Duration.ofDays(AGENT_DAYS).dividedBy(Math.max(1, epochs));
            for (int e = 0; e < epochs; e++) {
                long profit = (50 + rnd.nextInt(450)) * USDT + rnd.nextInt(1_000_000);
                long fee = profit / 5, contributors = profit * 3 / 10, investors = profit - fee - contributors;
                long given = 0;
                for (int i = 0; i < traders; i++) {
                    long a = contributors * shares[i] / 1_000_000;
                    allocated[i] += a;
                    given += a;
                    claims.get(i).add(new long[] {e, a});
                }
                list.addObject().put("epoch", e).put("from", AGENT_FROM.plus(length.multipliedBy(e)).toString())
                        .put("to", AGENT_FROM.plus(length.multipliedBy(e + 1)).toString()).put("status", "SETTLED").put("equity", hwm + profit)
                        .put("highWaterMark", hwm).put("profit", profit).put("fee", fee).put("contributors", contributors).put("allocated", given)
                        .put("dust", contributors - given).put("investors", investors).put("txHash", "0x" + hex(rnd, 32));
                hwm += profit;
            }
            ArrayNode payouts = s.putArray("payouts");
            for (int i = 0; i < traders; i++) {
                boolean claimed = i < traders - 1 || traders == 1;
                ObjectNode p = payouts.addObject().put("trader", ids.get(i)).put("address", addresses.get(i)).put("allocated", allocated[i])
                        .put("claimed", claimed ? allocated[i] : 0).put("balance", claimed ? allocated[i] : 0);
                ArrayNode list2 = p.putArray("claims");
                if (claimed) for (long[] c : claims.get(i)) list2.addObject().put("epoch", c[0]).put("amount", c[1]).put("tx", "0x" + hex(rnd, 32));
            }
        }

        /** {@code n} positive parts summing to {@code whole}. */
        private static long[] split(long whole, int n, Random rnd) {
            double[] w = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) sum += w[i] = 0.3 + rnd.nextDouble();
            long[] out = new long[n];
            long given = 0;
            for (int i = 0; i < n; i++) given += out[i] = (long) (whole * w[i] / sum);
            if (n > 0) out[n - 1] += whole - given;
            return out;
        }

        private static double round2(double v) {
            return Math.round(v * 100) / 100.0;
        }

        private static String address(Random rnd) {
            return "0x" + hex(rnd, 20);
        }

        private static String hex(Random rnd, int bytes) {
            byte[] b = new byte[bytes];
            rnd.nextBytes(b);
            return HexFormat.of().formatHex(b);
        }
    }
}
