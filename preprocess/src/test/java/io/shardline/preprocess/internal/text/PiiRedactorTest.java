package io.shardline.preprocess.internal.text;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.preprocess.internal.text.PiiRedactor.Kind;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class PiiRedactorTest {

    final PiiRedactor all = new PiiRedactor(EnumSet.allOf(Kind.class));

    String redact(String s, int[] counts) {
        return all.redact(s, counts);
    }

    String redact(String s) {
        return redact(s, new int[Kind.values().length]);
    }

    @Test
    void emails() {
        int[] n = new int[4];
        assertThat(redact("Write to jane.doe+news@example.co.uk or J_Smith@mail.example.org today.", n))
                .isEqualTo("Write to <EMAIL> or <EMAIL> today.");
        assertThat(n[Kind.EMAIL.ordinal()]).isEqualTo(2);
        assertThat(redact("Follow @shardline and see user@localhost")).isEqualTo("Follow @shardline and see user@localhost");
    }

    @Test
    void ipv4() {
        int[] n = new int[4];
        assertThat(redact("Hosts 192.168.0.1, 10.0.0.255 and 8.8.8.8.", n)).isEqualTo("Hosts <IPV4>, <IPV4> and <IPV4>.");
        assertThat(n[Kind.IPV4.ordinal()]).isEqualTo(3);
        // Not addresses: an octet above 255, five parts, version strings.
        assertThat(redact("Values 256.1.1.1, 1.2.3.4.5 and version 1.2.3 stay."))
                .isEqualTo("Values 256.1.1.1, 1.2.3.4.5 and version 1.2.3 stay.");
    }

    @Test
    void ipv6() {
        int[] n = new int[4];
        assertThat(redact("Reach 2001:db8:85a3::8a2e:370:7334, fe80::1ff:fe23:4567:890a or"
                + " 2001:0db8:0000:0000:0000:ff00:0042:8329 or ::ffff:192.0.2.128.", n))
                .isEqualTo("Reach <IPV6>, <IPV6> or <IPV6> or <IPV6>.");
        assertThat(n[Kind.IPV6.ordinal()]).isEqualTo(4);
        // Times, ratios, C++ scopes and a lone "::" are not addresses.
        assertThat(redact("At 10:30:00 the ratio was 3:2; call std::vector, see a :: b."))
                .isEqualTo("At 10:30:00 the ratio was 3:2; call std::vector, see a :: b.");
    }

    @Test
    void isIpv6FollowsTheTextForms() {
        assertThat(PiiRedactor.isIpv6("1:2:3:4:5:6:7:8")).isTrue();
        assertThat(PiiRedactor.isIpv6("1:2:3:4:5:6:7")).isFalse();
        assertThat(PiiRedactor.isIpv6("1::2:3:4:5:6:7:8")).isFalse();
        assertThat(PiiRedactor.isIpv6("1::2::3")).isFalse();
        assertThat(PiiRedactor.isIpv6("64:ff9b::192.0.2.33")).isTrue();
        assertThat(PiiRedactor.isIpv6("1:2:3:4:5:6:192.0.2.33")).isTrue();
        assertThat(PiiRedactor.isIpv6("12345::1")).isFalse();
    }

    @Test
    void phones() {
        int[] n = new int[4];
        assertThat(redact("Call +1-202-555-0143, (202) 555-0143, 202.555.0143, +44 20 7946 0958 or +4915123456789.", n))
                .isEqualTo("Call <PHONE>, <PHONE>, <PHONE>, <PHONE> or <PHONE>.");
        assertThat(n[Kind.PHONE.ordinal()]).isEqualTo(5);
    }

    @Test
    void numbersThatAreNotPhonesStay() {
        String s = "On 2026-11-26 at 12:30, order 1234567890123 cost 1,299.99; ISBN 978-3-16-148410-0 is a book,"
                + " pi is 3.14159265, the year 1999 and zip 90210.";
        assertThat(redact(s)).isEqualTo(s);
    }

    @Test
    void onlyTheConfiguredKindsAreRedacted() {
        PiiRedactor emailOnly = new PiiRedactor(EnumSet.of(Kind.EMAIL));
        int[] n = new int[4];
        assertThat(emailOnly.redact("a@b.example and 10.0.0.1 and +1 202 555 0143", n))
                .isEqualTo("<EMAIL> and 10.0.0.1 and +1 202 555 0143");
        assertThat(new PiiRedactor(EnumSet.noneOf(Kind.class)).enabled()).isFalse();
    }

    @Test
    void kindsParseFromTheirCodes() {
        assertThat(Kind.fromCode(" IPv6 ")).isEqualTo(Kind.IPV6);
    }
}
