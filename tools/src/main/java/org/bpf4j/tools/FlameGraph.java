package org.bpf4j.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An interactive flame graph of folded stacks ({@code frame;frame;frame count}), drawn as
 * flamegraph.pl draws one: a frame's width is its share of the samples, callers below callees,
 * siblings in alphabetical order, warm colours. The script in the SVG zooms on a click (reset
 * with a click on the bottom frame or "Reset Zoom") and searches by regular expression
 * ("Search", or Ctrl+F), showing the matched share.
 */
final class FlameGraph {
    private FlameGraph() {}

    static final int WIDTH = 1200, FRAME_HEIGHT = 16, PAD_TOP = 50, PAD_BOTTOM = 34, SIDE = 10;
    static final double MIN_WIDTH = 0.1;

    private static final class Node {
        final String name;
        long value;
        final Map<String, Node> children = new TreeMap<>();

        Node(String name) {
            this.name = name;
        }

        int depth() {
            int d = 0;
            for (Node c : children.values()) d = Math.max(d, c.depth());
            return d + 1;
        }
    }

    /** The tree of the folded lines, its root named "all"; lines that do not parse are skipped. */
    private static Node tree(List<String> folded) {
        Node root = new Node("all");
        for (String line : folded) {
            int sp = line.lastIndexOf(' ');
            if (sp <= 0) continue;
            long n;
            try {
                n = Long.parseLong(line.substring(sp + 1).trim());
            } catch (NumberFormatException e) {
                continue;
            }
            if (n <= 0) continue;
            root.value += n;
            Node at = root;
            for (String f : line.substring(0, sp).split(";")) {
                at = at.children.computeIfAbsent(f, Node::new);
                at.value += n;
            }
        }
        return root;
    }

    static String svg(String title, String unit, List<String> folded) {
        Node root = tree(folded);
        int depth = root.depth();
        int height = PAD_TOP + depth * FRAME_HEIGHT + PAD_BOTTOM;
        double scale = root.value == 0 ? 0 : (WIDTH - 2.0 * SIDE) / root.value;
        StringBuilder sb = new StringBuilder(4096);
        sb.append("<?xml version=\"1.0\" standalone=\"no\"?>\n")
                .append("<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" onload=\"init(evt)\" data-unit=\"").append(esc(unit)).append("\" data-total=\"").append(root.value).append("\">\n")
                .append("<style>text{font-family:Verdana,sans-serif;font-size:12px;fill:#000}#title{font-size:17px;text-anchor:middle}")
                .append(".f:hover rect{stroke:#000;stroke-width:0.5}.f text{pointer-events:none}.hide{display:none}")
                .append("#search,#reset{cursor:pointer}</style>\n")
                .append("<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#f8f8f0\"/>\n")
                .append("<text id=\"title\" x=\"").append(WIDTH / 2).append("\" y=\"24\">").append(esc(title)).append("</text>\n")
                .append("<text id=\"reset\" x=\"").append(SIDE).append("\" y=\"24\" class=\"hide\">Reset Zoom</text>\n")
                .append("<text id=\"search\" x=\"").append(WIDTH - SIDE - 60).append("\" y=\"24\">Search</text>\n")
                .append("<text id=\"matched\" x=\"").append(WIDTH - SIDE - 120).append("\" y=\"").append(height - 12).append("\"></text>\n")
                .append("<text id=\"details\" x=\"").append(SIDE).append("\" y=\"").append(height - 12).append("\"> </text>\n")
                .append("<g id=\"frames\">\n");
        List<Object[]> stack = new ArrayList<>();
        stack.add(new Object[] {root, 0.0, 0});
        while (!stack.isEmpty()) {
            Object[] top = stack.removeLast();
            Node n = (Node) top[0];
            double x = (double) top[1];
            int level = (int) top[2];
            double w = n.value * scale;
            if (w < MIN_WIDTH) continue;
            double y = height - PAD_BOTTOM - (level + 1) * FRAME_HEIGHT;
            frame(sb, n, x + SIDE, y, w, root.value, unit);
            double cx = x;
            List<Object[]> kids = new ArrayList<>();
            for (Node c : n.children.values()) {
                kids.add(new Object[] {c, cx, level + 1});
                cx += c.value * scale;
            }
            for (int i = kids.size() - 1; i >= 0; i--) stack.add(kids.get(i));
        }
        sb.append("</g>\n<script type=\"text/ecmascript\"><![CDATA[\n").append(SCRIPT).append("]]></script>\n</svg>\n");
        return sb.toString();
    }

    private static void frame(StringBuilder sb, Node n, double x, double y, double w, long total, String unit) {
        String pct = total == 0 ? "0" : String.format("%.2f", 100.0 * n.value / total);
        sb.append("<g class=\"f\"><title>").append(esc(n.name)).append(" (").append(n.value).append(' ').append(esc(unit))
                .append(", ").append(pct).append("%)</title><rect x=\"").append(fmt(x)).append("\" y=\"").append(fmt(y))
                .append("\" width=\"").append(fmt(w)).append("\" height=\"").append(FRAME_HEIGHT - 1)
                .append("\" rx=\"2\" fill=\"").append(color(n.name)).append("\" data-n=\"").append(esc(n.name))
                .append("\" data-v=\"").append(n.value).append("\"/><text x=\"").append(fmt(x + 3)).append("\" y=\"")
                .append(fmt(y + FRAME_HEIGHT - 4)).append("\">").append(esc(fit(n.name, w))).append("</text></g>\n");
    }

    /** The name cut to what fits in {@code w} pixels (about 7 per character), ".." marking a cut. */
    static String fit(String name, double w) {
        int chars = (int) ((w - 6) / 7);
        if (chars < 3) return "";
        return name.length() <= chars ? name : name.substring(0, chars - 2) + "..";
    }

    /** flamegraph.pl's "hot" palette, from a hash of the name so a frame keeps its colour. */
    static String color(String name) {
        int h = name.hashCode();
        int r = 205 + Math.floorMod(h, 50), g = Math.floorMod(h >>> 8, 230), b = Math.floorMod(h >>> 16, 55);
        return "rgb(" + r + "," + g + "," + b + ")";
    }

    private static String fmt(double v) {
        return String.format("%.1f", v);
    }

    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c < 0x20 ? ' ' : c);
            }
        }
        return sb.toString();
    }

    static void write(Path file, String title, String unit, List<String> folded) throws IOException {
        Files.writeString(file, svg(title, unit, folded), StandardCharsets.UTF_8);
    }

    /** Zoom (click a frame), reset, search (regex) and the details line. */
    private static final String SCRIPT = """
            var svg, frames, details, total, unit, W, SIDE = %d;
            function init(evt) {
              svg = document.documentElement; frames = document.getElementById("frames");
              details = document.getElementById("details"); total = +svg.getAttribute("data-total");
              unit = svg.getAttribute("data-unit"); W = +svg.getAttribute("width") - 2 * SIDE;
              for (var g of frames.children) {
                var r = g.querySelector("rect");
                r.setAttribute("data-x", r.getAttribute("x")); r.setAttribute("data-w", r.getAttribute("width"));
                g.onclick = function () { zoom(this); };
                g.onmouseover = function () { details.textContent = this.querySelector("title").textContent; };
                g.onmouseout = function () { details.textContent = " "; };
              }
              document.getElementById("reset").onclick = reset;
              document.getElementById("search").onclick = search;
              window.addEventListener("keydown", function (e) {
                if (e.ctrlKey && e.key === "f") { e.preventDefault(); search(); }
              });
            }
            function label(g, w) {
              var t = g.querySelector("text"), n = g.querySelector("rect").getAttribute("data-n");
              var c = Math.floor((w - 6) / 7);
              t.textContent = c < 3 ? "" : (n.length <= c ? n : n.substring(0, c - 2) + "..");
            }
            function zoom(g) {
              var r = g.querySelector("rect"), x0 = +r.getAttribute("data-x"), w0 = +r.getAttribute("data-w");
              var y0 = +r.getAttribute("y"), k = W / w0;
              document.getElementById("reset").classList.toggle("hide", w0 >= W - 0.5);
              for (var f of frames.children) {
                var fr = f.querySelector("rect"), x = +fr.getAttribute("data-x"), w = +fr.getAttribute("data-w");
                var y = +fr.getAttribute("y");
                var inside = x >= x0 - 0.01 && x + w <= x0 + w0 + 0.01, below = y > y0 && x <= x0 + 0.01 && x + w >= x0 + w0 - 0.01;
                if (y <= y0 && inside || below) {
                  var nx = below ? SIDE : SIDE + (x - x0) * k, nw = below ? W : w * k;
                  fr.setAttribute("x", nx); fr.setAttribute("width", nw);
                  f.querySelector("text").setAttribute("x", nx + 3); label(f, nw); f.classList.remove("hide");
                } else {
                  f.classList.add("hide");
                }
              }
            }
            function reset() { zoom(frames.children[0]); }
            function search() {
              var term = prompt("Enter a search term (regexp allowed)", "");
              var m = document.getElementById("matched");
              if (term === null || term === "") {
                for (var f of frames.children) f.querySelector("rect").style.fill = ""; m.textContent = ""; return;
              }
              var re = new RegExp(term), seen = [], sum = 0;
              for (var f of frames.children) {
                var r = f.querySelector("rect"), hit = re.test(r.getAttribute("data-n"));
                r.style.fill = hit ? "rgb(230,0,230)" : "";
                if (hit) {
                  var x = +r.getAttribute("data-x"), w = +r.getAttribute("data-w");
                  if (!seen.some(function (s) { return x >= s[0] && x + w <= s[0] + s[1] + 0.01; })) { seen.push([x, w]); sum += +r.getAttribute("data-v"); }
                }
              }
              m.textContent = "Matched: " + (total ? (100 * sum / total).toFixed(1) : 0) + "%%";
            }
            """.formatted(SIDE);
}
