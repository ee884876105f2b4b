package org.spsec.cli.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The live dashboard's web server: one page with its script and style, uPlot from its WebJar,
 * and one server-sent-event stream ({@code /events}) of JSON objects. A thin layer: it knows
 * nothing of the protocol; whoever feeds it ({@code spsec monitor}, {@code spsec demo}) hands it
 * finished JSON lines with {@link #publish}.
 *
 * <p>Built on the JDK's own {@code jdk.httpserver}: a few static files and one event stream need
 * no framework, and the command gains no runtime dependency. {@link #publish} never blocks the
 * caller: each client has a bounded queue and a slow one loses its oldest objects. The last
 * {@value #HISTORY} objects are kept, so a page opened late still draws its timeline and plot.
 */
public final class DashboardServer implements AutoCloseable {
    /** Objects kept for pages that connect later; also the bound of each client's queue. */
    public static final int HISTORY = 20_000;
    /** Pages connected at once; more get 503. */
    static final int MAX_CLIENTS = 32;
    /** A comment line this often keeps proxies and the browser from timing the stream out. */
    private static final long KEEPALIVE_MS = 10_000;

    /** A mistake in {@code [ADDR:]PORT} itself (a usage error). */
    public static final class BadAddress extends IllegalArgumentException {
        BadAddress(String message) {
            super(message);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final String url;
    private final String uplotDir;
    private final ArrayDeque<String> history = new ArrayDeque<>();
    private final List<Client> clients = new ArrayList<>();
    private volatile boolean closed;

    private DashboardServer(HttpServer server, ExecutorService executor, String url, String uplotDir) {
        this.server = server;
        this.executor = executor;
        this.url = url;
        this.uplotDir = uplotDir;
    }

    /**
     * Parses {@code [ADDR:]PORT} (an IPv6 address in brackets); without ADDR, 127.0.0.1.
     *
     * @throws BadAddress for a malformed value or a name that does not resolve
     */
    public static InetSocketAddress parse(String spec) {
        String host = "127.0.0.1";
        String port = spec;
        int colon = spec.lastIndexOf(':');
        if (colon >= 0) {
            host = spec.substring(0, colon);
            port = spec.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.contains(":")) {
                throw new BadAddress("an IPv6 address goes in brackets, e.g. [::1]:8080; got " + spec);
            }
            if (host.isEmpty()) {
                throw new BadAddress("no address before ':' in " + spec + " (expected [ADDR:]PORT)");
            }
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new BadAddress("expected [ADDR:]PORT with PORT 0..65535, got " + spec);
        }
        if (p < 0 || p > 65535) {
            throw new BadAddress("PORT must be 0..65535 (0: any free port), got " + p);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), p);
        } catch (UnknownHostException e) {
            throw new BadAddress("unknown address " + host);
        }
    }

    /**
     * Binds and starts serving.
     *
     * @throws IOException when the address cannot be bound (in use, not this host's, not allowed)
     */
    public static DashboardServer start(InetSocketAddress address) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (BindException e) {
            throw new IOException(e.getMessage() == null ? "cannot bind" : e.getMessage().toLowerCase(java.util.Locale.ROOT)
                    .replaceFirst(" \\(bind failed\\)$", ""), e);
        }
        ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("dashboard-", 0).factory());
        InetSocketAddress bound = server.getAddress();
        String host = bound.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host.replaceFirst("%.*$", "") + "]";
        }
        DashboardServer d = new DashboardServer(server, executor, "http://" + host + ":" + bound.getPort() + "/", uplotDirectory());
        server.setExecutor(executor);
        server.createContext("/", d::handle);
        server.start();
        return d;
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8080/}. */
    public String url() {
        return url;
    }

    /** Sends one JSON object (one line, no newline) to every page, now and to those that connect later. */
    public void publish(String json) {
        synchronized (history) {
            history.addLast(json);
            if (history.size() > HISTORY) {
                history.removeFirst();
            }
            for (Client c : clients) {
                c.offer(json);
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (history) {
            clients.forEach(Client::wake);
        }
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                text(ex, 405, "GET only");
                return;
            }
            String path = ex.getRequestURI().getPath();
            switch (path) {
                case "/", "/index.html" -> resource(ex, "index.html", "text/html; charset=utf-8");
                case "/dashboard.js" -> resource(ex, "dashboard.js", "text/javascript; charset=utf-8");
                case "/dashboard.css" -> resource(ex, "dashboard.css", "text/css; charset=utf-8");
                case "/uplot/uPlot.iife.min.js" -> classpath(ex, uplotDir + "uPlot.iife.min.js", "text/javascript; charset=utf-8");
                case "/uplot/uPlot.min.css" -> classpath(ex, uplotDir + "uPlot.min.css", "text/css; charset=utf-8");
                case "/events" -> events(ex);
                default -> text(ex, 404, "not found: " + path);
            }
        }
    }

    /** The server-sent-event stream: the history, then every new object, each as one {@code data:} line. */
    private void events(HttpExchange ex) throws IOException {
        Client c;
        synchronized (history) {
            if (clients.size() >= MAX_CLIENTS || closed) {
                text(ex, 503, "too many dashboards open (at most " + MAX_CLIENTS + ")");
                return;
            }
            c = new Client(history);
            clients.add(c);
        }
        try {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.sendResponseHeaders(200, 0); // chunked: the stream has no length
            OutputStream out = ex.getResponseBody();
            out.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            StringBuilder b = new StringBuilder();
            while (!closed) {
                List<String> batch = c.take(KEEPALIVE_MS);
                b.setLength(0);
                if (batch.isEmpty()) {
                    b.append(": keep-alive\n\n");
                }
                for (String json : batch) {
                    b.append("data: ").append(json).append("\n\n");
                }
                if (!closed) {
                    out.write(b.toString().getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        } catch (IOException gone) {
            // the page was closed
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (history) {
                clients.remove(c);
            }
        }
    }

    /** One connected page: a bounded queue, oldest dropped when full. */
    private static final class Client {
        private final ArrayDeque<String> queue;

        Client(ArrayDeque<String> history) {
            queue = new ArrayDeque<>(history);
        }

        synchronized void offer(String json) {
            if (queue.size() >= HISTORY) {
                queue.removeFirst();
            }
            queue.addLast(json);
            notifyAll();
        }

        synchronized void wake() {
            notifyAll();
        }

        /** Everything queued, waiting up to {@code millis} for something (an empty list: time for a keep-alive). */
        synchronized List<String> take(long millis) throws InterruptedException {
            if (queue.isEmpty()) {
                wait(millis);
            }
            List<String> out = new ArrayList<>(queue);
            queue.clear();
            return out;
        }
    }

    private static void resource(HttpExchange ex, String name, String type) throws IOException {
        classpath(ex, "org/spsec/cli/web/" + name, type);
    }

    private static void classpath(HttpExchange ex, String name, String type) throws IOException {
        byte[] body;
        try (InputStream in = DashboardServer.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                text(ex, 404, "not in this build: " + name);
                return;
            }
            body = in.readAllBytes();
        }
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(200, -1);
            return;
        }
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
    }

    private static void text(HttpExchange ex, int status, String message) throws IOException {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    /** Where the uPlot WebJar keeps its files, by the version its own pom.properties names. */
    private static String uplotDirectory() {
        Properties p = new Properties();
        try (InputStream in = DashboardServer.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // fall through: the page then reports that its plot library is missing
        }
        return "META-INF/resources/webjars/uplot/" + p.getProperty("version", "missing") + "/dist/";
    }
}
