package dev.incodehooks.security;

import java.net.InetAddress;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class IpLiteralTests {

    @ParameterizedTest
    @CsvSource({ "203.0.113.7, 203.0.113.7", "0.0.0.0, 0.0.0.0", "255.255.255.255, 255.255.255.255",
            "2001:db8::1, 2001:db8:0:0:0:0:0:1", "::1, 0:0:0:0:0:0:0:1", "::ffff:203.0.113.7, 203.0.113.7",
            "2001:DB8::A, 2001:db8:0:0:0:0:0:a" })
    void parsesAddressLiterals(String text, String expected) {
        assertThat(IpLiteral.parse(text)).map(InetAddress::getHostAddress).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "localhost", "example.com", "unknown", "_hidden", "1234", "1.2.3", "1.2.3.4.5",
            "256.1.1.1", "01.2.3.4", "1.2.3.4 ", "fe80::1%eth0", ":::", "2001:db8::zz", "1.2.3.4/32", "beef" })
    void rejectsAnythingThatIsNotALiteral(String text) {
        assertThat(IpLiteral.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({ "203.0.113.7:4711, 203.0.113.7", "' 203.0.113.7 ', 203.0.113.7",
            "[2001:db8::1]:443, 2001:db8:0:0:0:0:0:1", "[2001:db8::1], 2001:db8:0:0:0:0:0:1",
            "2001:db8::1, 2001:db8:0:0:0:0:0:1", "[::ffff:203.0.113.7]:80, 203.0.113.7" })
    void parsesForwardedEntriesWithPorts(String entry, String expected) {
        assertThat(IpLiteral.parseHostAndPort(entry)).map(InetAddress::getHostAddress).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = { "203.0.113.7:", "203.0.113.7:http", "[2001:db8::1", "[2001:db8::1]x", "[203.0.113.7]",
            "[2001:db8::1]:", "unknown", "" })
    void rejectsMalformedForwardedEntries(String entry) {
        assertThat(IpLiteral.parseHostAndPort(entry)).isEmpty();
    }
}
