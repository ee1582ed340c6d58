package org.revtaf.edges.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * The render check of {@code report.html} (run by {@code benchmarks/check-report-render.sh}, not
 * by the test suite: a browser start takes longer than a unit test should): writes the sample
 * report, opens it in headless Chromium with a fresh profile and a net log, saves a screenshot,
 * and fails when the page made any network request. A control page that does load from the
 * network is opened the same way and must be caught, so the detector is shown to work.
 *
 * <p>Chromium's own background requests (update checks and the like, which its flags reduce but do
 * not stop) carry no page origin; a page's requests carry the page's origin as initiator and a
 * file:// network isolation key, which is what is counted.
 *
 * <p>Usage: {@code RenderCheck OUT_DIR [CHROMIUM]}; exit 0 when both hold, 1 otherwise.
 */
public final class RenderCheck {
    static final int WIDTH = 1280, HEIGHT = 14000;

    private RenderCheck() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/report-check").toAbsolutePath();
        String chromium = args.length > 1 ? args[1] : "/usr/bin/chromium";
        Files.createDirectories(out);
        // a given report (e.g. runs/demo/report.html), else the sample report of stand-in outputs
        Path html = args.length > 2
                ? Path.of(args[2]).toAbsolutePath()
                : HtmlReport.write(out.resolve("sample"), SampleReports.synthetic(16, 128, 6));
        Path control = out.resolve("control/control.html");
        Files.createDirectories(control.getParent());
        Files.writeString(
                control,
                "<!DOCTYPE html><html><head><link rel=\"stylesheet\" href=\"https://example.invalid/x.css\"></head>"
                        + "<body><img src=\"http://127.0.0.1:9/x.png\"><p>control</p></body></html>");

        List<String> sample = open(chromium, html, out.resolve("screenshot.png"), out.resolve("netlog.json"), HEIGHT);
        List<String> caught =
                open(chromium, control, out.resolve("control.png"), out.resolve("control-netlog.json"), 600);
        trimBottom(out.resolve("screenshot.png"));
        boolean ok = true;
        long shot = Files.exists(out.resolve("screenshot.png")) ? Files.size(out.resolve("screenshot.png")) : 0;
        System.out.println("report:     " + html);
        System.out.println("screenshot: " + out.resolve("screenshot.png") + " (" + shot + " bytes)");
        if (shot < 10_000) {
            System.out.println("FAIL: no screenshot (or an empty one) was saved");
            ok = false;
        }
        if (sample.isEmpty()) System.out.println("ok: the report made no network request");
        else {
            System.out.println("FAIL: the report made network requests: " + sample);
            ok = false;
        }
        if (caught.size() >= 2) System.out.println("ok: the control page's 2 requests were caught: " + caught);
        else {
            System.out.println("FAIL: the detector missed the control page's requests (caught " + caught + ")");
            ok = false;
        }
        System.exit(ok ? 0 : 1);
    }

    /** Opens {@code page} headless; returns the URLs of the requests the page made. */
    static List<String> open(String chromium, Path page, Path screenshot, Path netlog, int height)
            throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("revtaf-chromium-");
        Files.deleteIfExists(screenshot);
        List<String> cmd = List.of(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
                "--hide-scrollbars",
                "--user-data-dir=" + profile,
                "--log-net-log=" + netlog,
                "--net-log-capture-mode=Default",
                "--window-size=" + WIDTH + "," + height,
                "--screenshot=" + screenshot,
                page.toUri().toString());
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(
                        netlog.resolveSibling(netlog.getFileName() + ".out").toFile())
                .start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(chromium + " did not finish within 180 s");
        }
        return pageRequests(new ObjectMapper().readTree(netlog.toFile()));
    }

    /** Crops the window's empty background below the page's end (the window is taller than the page). */
    static void trimBottom(Path png) throws IOException {
        if (!Files.exists(png)) return;
        BufferedImage img = ImageIO.read(png.toFile());
        int bg = img.getRGB(0, img.getHeight() - 1), last = img.getHeight() - 1;
        outer:
        for (; last > 0; last--) for (int x = 0; x < img.getWidth(); x++) if (img.getRGB(x, last) != bg) break outer;
        int h = Math.min(img.getHeight(), last + 40);
        if (h < img.getHeight()) ImageIO.write(img.getSubimage(0, 0, img.getWidth(), h), "png", png.toFile());
    }

    /** URLs of URL_REQUEST_START_JOB events that a page (not the browser itself) started. */
    static List<String> pageRequests(JsonNode log) {
        Map<Integer, String> types = new HashMap<>();
        log.path("constants")
                .path("logEventTypes")
                .properties()
                .forEach(e -> types.put(e.getValue().asInt(), e.getKey()));
        List<String> urls = new ArrayList<>();
        for (JsonNode e : log.path("events")) {
            if (!"URL_REQUEST_START_JOB".equals(types.get(e.path("type").asInt()))) continue;
            JsonNode p = e.path("params");
            String initiator = p.path("initiator").asText("not an origin");
            String nik = p.path("network_isolation_key").asText("");
            if (!initiator.equals("not an origin") || nik.contains("file://"))
                urls.add(p.path("url").asText());
        }
        return urls;
    }
}
