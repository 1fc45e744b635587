package dev.incodehooks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * An HTTP/1.1 client over a plain socket, for what the JDK client cannot do: choose the local address
 * (any of 127.0.0.0/8, so the server sees a peer other than 127.0.0.1), repeat a header, stream a
 * chunked body.
 */
public final class RawHttp {

    private final InetAddress localAddress;

    private final int port;

    private RawHttp(InetAddress localAddress, int port) {
        this.localAddress = localAddress;
        this.port = port;
    }

    /** A client whose connections come from {@code localAddress} (a loopback address). */
    public static RawHttp from(String localAddress, int port) {
        try {
            return new RawHttp(InetAddress.getByName(localAddress), port);
        }
        catch (IOException ex) {
            throw new IllegalArgumentException(ex);
        }
    }

    /**
     * Whether connections can come from this loopback address: Linux answers for all of 127.0.0.0/8, macOS
     * only for 127.0.0.1 unless an alias is added ({@code sudo ifconfig lo0 alias 127.0.0.2}).
     */
    public static boolean canBind(String localAddress) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.bind(new java.net.InetSocketAddress(InetAddress.getByName(localAddress), 0));
            return true;
        }
        catch (IOException ex) {
            return false;
        }
    }

    /** Sends a request; each header is a {@code "Name: value"} line. */
    public Response send(String method, String path, List<String> headers, byte[] body) throws IOException {
        List<String> all = new ArrayList<>(headers);
        all.add("Content-Length: " + body.length);
        return exchange(method, path, all, (out) -> out.write(body));
    }

    /** Sends a body in chunks of {@code chunkSize} with {@code Transfer-Encoding: chunked}, no length. */
    public Response sendChunked(String path, List<String> headers, byte[] body, int chunkSize) throws IOException {
        List<String> all = new ArrayList<>(headers);
        all.add("Transfer-Encoding: chunked");
        return exchange("POST", path, all, (out) -> {
            for (int offset = 0; offset < body.length; offset += chunkSize) {
                int length = Math.min(chunkSize, body.length - offset);
                out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body, offset, length);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        });
    }

    private Response exchange(String method, String path, List<String> headers, BodyWriter bodyWriter)
            throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(this.localAddress, 0));
            // Bounds against a hang, far above any answer: a request may wait seconds for its commit under load.
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 30_000);
            socket.setSoTimeout(60_000);
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            head.append("Host: 127.0.0.1:").append(this.port).append("\r\n");
            head.append("Connection: close\r\n");
            headers.forEach((line) -> head.append(line).append("\r\n"));
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            try {
                bodyWriter.write(out);
                out.flush();
            }
            catch (IOException ex) {
                // The server may answer and close before the whole body is sent (413): read the answer.
            }
            return Response.parse(socket.getInputStream());
        }
    }

    private interface BodyWriter {

        void write(OutputStream out) throws IOException;

    }

    /** A parsed answer: status, header lines, and the body with any chunking removed. */
    public record Response(int status, List<String> headers, byte[] body) {

        /** The first value of a header, case-insensitively, or null. */
        public String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return this.headers.stream()
                .filter((line) -> line.toLowerCase(Locale.ROOT).startsWith(prefix))
                .map((line) -> line.substring(prefix.length()).strip())
                .findFirst()
                .orElse(null);
        }

        public String bodyText() {
            return new String(this.body, StandardCharsets.UTF_8);
        }

        static Response parse(InputStream in) throws IOException {
            byte[] all = in.readAllBytes();
            int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
            if (end < 0) {
                throw new IOException("Incomplete HTTP response: " + all.length + " bytes");
            }
            String[] lines = new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            List<String> headers = List.of(Arrays.copyOfRange(lines, 1, lines.length));
            byte[] body = Arrays.copyOfRange(all, end + 4, all.length);
            Response response = new Response(status, headers, body);
            return "chunked".equalsIgnoreCase(response.header("Transfer-Encoding"))
                    ? new Response(status, headers, dechunk(body)) : response;
        }

        private static byte[] dechunk(byte[] chunked) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int position = 0;
            while (true) {
                int lineEnd = indexOf(chunked, new byte[] { '\r', '\n' }, position);
                int size = Integer.parseInt(
                        new String(chunked, position, lineEnd - position, StandardCharsets.US_ASCII).strip(), 16);
                if (size == 0) {
                    return body.toByteArray();
                }
                body.write(chunked, lineEnd + 2, size);
                position = lineEnd + 2 + size + 2;
            }
        }

        private static int indexOf(byte[] data, byte[] pattern, int from) {
            outer: for (int i = from; i <= data.length - pattern.length; i++) {
                for (int j = 0; j < pattern.length; j++) {
                    if (data[i + j] != pattern[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }
}
