package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The --svg writer: well-formed SVG, one frame per distinct path with its width, and Chromium draws it. */
class FlameGraphTest {
    static final List<String> FOLDED = List.of(
            "app;main;work;hot_spin 60",
            "app;main;work;cold 20",
            "app;main;io<&> 20",
            "bad line without count",
            "other;x 0");

    @TempDir
    Path dir;

    @Test
    void structureAndFrames() throws Exception {
        Path f = dir.resolve("g.svg");
        FlameGraph.write(f, "test graph", "samples", FOLDED);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(f.toFile());
        Element svg = doc.getDocumentElement();
        assertEquals("svg", svg.getTagName());
        assertEquals("100", svg.getAttribute("data-total"));
        assertEquals(1, doc.getElementsByTagName("script").getLength());
        NodeList rects = ((Element) doc.getElementsByTagName("g").item(0)).getElementsByTagName("rect");
        List<String> names = new ArrayList<>();
        double allWidth = 0, hotWidth = 0;
        for (int i = 0; i < rects.getLength(); i++) {
            Element r = (Element) rects.item(i);
            names.add(r.getAttribute("data-n") + "=" + r.getAttribute("data-v"));
            if (r.getAttribute("data-n").equals("all")) allWidth = Double.parseDouble(r.getAttribute("width"));
            if (r.getAttribute("data-n").equals("hot_spin")) hotWidth = Double.parseDouble(r.getAttribute("width"));
        }
        // preorder, children in alphabetical order; zero counts and bad lines left out
        assertEquals(List.of("all=100", "app=100", "main=100", "io<&>=20", "work=80", "cold=20", "hot_spin=60"), names);
        assertEquals(FlameGraph.WIDTH - 2 * FlameGraph.SIDE, allWidth, 0.1);
        assertEquals(allWidth * 0.6, hotWidth, 0.1);
        assertTrue(Files.readString(f).contains("<title>hot_spin (60 samples, 60.00%)</title>"));
    }

    @Test
    void chromiumDrawsTheFrames() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        KernelTests.require(Files.isExecutable(chromium), "chromium is not installed (scripts/test installs it)");
        Path f = dir.resolve("g.svg"), png = dir.resolve("g.png");
        FlameGraph.write(f, "test graph", "samples", FOLDED);
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + dir.resolve("profile"), "--screenshot=" + png, "--window-size=1200,200",
                f.toUri().toString()).redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium took over 120 s");
        assertTrue(Files.size(png) > 0, Files.readString(dir.resolve("chromium.log")));
        BufferedImage img = ImageIO.read(png.toFile());
        // the frame row of hot_spin (60% wide, 4th level from the bottom): warm colours, not the background
        Set<Integer> colours = new HashSet<>();
        int warm = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                int r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;
                if (r >= 200 && b < 60 && g < 235) warm++;
            }
        }
        assertTrue(colours.size() > 5, "a blank screenshot: " + colours.size() + " colours");
        // 7 frames of 15 px, about 1180 px for the widest: thousands of warm pixels
        assertTrue(warm > 5000, "only " + warm + " frame-coloured pixels");
    }
}
