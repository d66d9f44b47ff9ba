package io.shardline.preprocess.internal.text;

import java.io.Serializable;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces personal data in text by placeholders: e-mail addresses by {@code <EMAIL>}, phone numbers by
 * {@code <PHONE>}, IPv4 addresses by {@code <IPV4>}, IPv6 addresses by {@code <IPV6>}. Patterns are
 * deliberately precise rather than greedy: an IPv4 address has four octets of at most 255; an IPv6 address
 * is checked against RFC 4291's text forms (eight groups, or fewer with one {@code ::}, optionally ending in
 * an IPv4 address); a phone number has 9 to 15 digits in a recognizable shape (a leading {@code +}, a
 * parenthesized area code, or digit groups joined by single spaces, dots or dashes), so that dates, version
 * numbers, times and plain long integers stay. Kinds are applied in the order e-mail, IPv6, IPv4, phone, each
 * on the output of the previous one.
 *
 * <p>Thread-safe; {@link #redact} reports how many of each kind it replaced.
 */
public final class PiiRedactor implements Serializable {

    private static final long serialVersionUID = 1L;

    /** A kind of personal data, with the placeholder that replaces it. */
    public enum Kind {
        EMAIL("email", "<EMAIL>"),
        IPV6("ipv6", "<IPV6>"),
        IPV4("ipv4", "<IPV4>"),
        PHONE("phone", "<PHONE>");

        private final String code;
        private final String placeholder;

        Kind(String code, String placeholder) {
            this.code = code;
            this.placeholder = placeholder;
        }

        public String code() {
            return code;
        }

        public String placeholder() {
            return placeholder;
        }

        public static Kind fromCode(String code) {
            for (Kind k : values()) {
                if (k.code.equalsIgnoreCase(code.trim())) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown PII kind '" + code + "' (known: email, phone, ipv4, ipv6)");
        }
    }

    // Local part and domain of RFC 5321 addresses as they occur in text (no quoted local parts).
    private static final Pattern EMAIL = Pattern.compile(
            "(?<![\\w.+-])[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    + "@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}(?![\\w-])");
    private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
    private static final Pattern IPV4 = Pattern.compile("(?<![\\w.])" + OCTET + "(?:\\." + OCTET + "){3}(?![\\w]|\\.[0-9])");
    // Candidates only: hex groups and colons, at least two colons; IPv6Text decides.
    private static final Pattern IPV6_CANDIDATE = Pattern.compile(
            "(?<![\\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:" + OCTET + "(?:\\." + OCTET + "){3}|[0-9A-Fa-f]{0,4})(?![\\w:]|\\.[0-9])");
    private static final Pattern PHONE = Pattern.compile(
            "(?<![\\w+.-])(?:"
                    // +CC followed by groups: +44 20 7946 0958, +1-202-555-0143, +4915123456789
                    + "\\+[0-9]{1,3}(?:[ .-]?\\(?[0-9]{1,4}\\)?){2,6}"
                    // (202) 555-0143, (020) 7946 0958
                    + "|\\([0-9]{2,5}\\) ?[0-9]{2,4}(?:[ .-][0-9]{2,5}){1,3}"
                    // 202-555-0143, 202.555.0143, 020 7946 0958: three or more groups with the same separator
                    + "|[0-9]{2,5}([ .-])[0-9]{2,5}(?:\\1[0-9]{2,5}){1,3}"
                    + ")(?![\\w-]|\\.[0-9])");

    private final Set<Kind> kinds;

    public PiiRedactor(Set<Kind> kinds) {
        this.kinds = kinds.isEmpty() ? EnumSet.noneOf(Kind.class) : EnumSet.copyOf(kinds);
    }

    public boolean enabled() {
        return !kinds.isEmpty();
    }

    /** The text with every enabled kind replaced; {@code counts[kind.ordinal()]} grows by the replacements. */
    public String redact(String text, int[] counts) {
        if (kinds.isEmpty()) {
            return text;
        }
        boolean at = false;
        boolean colon = false;
        boolean digit = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            at |= c == '@';
            colon |= c == ':';
            digit |= c >= '0' && c <= '9';
        }
        String t = text;
        if (at && kinds.contains(Kind.EMAIL)) {
            t = replace(EMAIL, t, Kind.EMAIL, counts);
        }
        if (colon && kinds.contains(Kind.IPV6)) {
            t = replaceIpv6(t, counts);
        }
        if (digit && kinds.contains(Kind.IPV4)) {
            t = replace(IPV4, t, Kind.IPV4, counts);
        }
        if (digit && kinds.contains(Kind.PHONE)) {
            t = replacePhones(t, counts);
        }
        return t;
    }

    private static String replace(Pattern p, String text, Kind kind, int[] counts) {
        return replace(p, text, kind, counts, m -> true);
    }

    /** Replaces each match of {@code p} that {@code accept} confirms by the kind's placeholder. */
    private static String replace(Pattern p, String text, Kind kind, int[] counts, java.util.function.Predicate<String> accept) {
        Matcher m = p.matcher(text);
        StringBuilder out = null;
        int last = 0;
        while (m.find()) {
            if (!accept.test(m.group())) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, last, m.start()).append(kind.placeholder);
            last = m.end();
            counts[kind.ordinal()]++;
        }
        return out == null ? text : out.append(text, last, text.length()).toString();
    }

    private static String replaceIpv6(String text, int[] counts) {
        return replace(IPV6_CANDIDATE, text, Kind.IPV6, counts, PiiRedactor::isIpv6);
    }

    private static String replacePhones(String text, int[] counts) {
        return replace(PHONE, text, Kind.PHONE, counts, candidate -> {
            int digits = 0;
            for (int i = 0; i < candidate.length(); i++) {
                char c = candidate.charAt(i);
                if (c >= '0' && c <= '9') {
                    digits++;
                }
            }
            return digits >= 9 && digits <= 15;
        });
    }

    /** Whether {@code s} is an IPv6 address in one of RFC 4291's text forms (section 2.2). */
    static boolean isIpv6(String s) {
        int dots = s.indexOf('.');
        int groupsAvailable = 8;
        String hex = s;
        if (dots >= 0) {
            // The last 32 bits as a dotted IPv4 address.
            int lastColon = s.lastIndexOf(':');
            if (lastColon < 0 || !IPV4.matcher(s.substring(lastColon + 1)).matches()) {
                return false;
            }
            hex = s.substring(0, lastColon + 1);
            if (!hex.endsWith("::")) {
                hex = hex.substring(0, hex.length() - 1); // the colon before the IPv4 part
            }
            groupsAvailable = 6;
        }
        int doubleColon = hex.indexOf("::");
        if (doubleColon >= 0 && hex.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        if (doubleColon < 0) {
            String[] groups = hex.split(":", -1);
            return groups.length == groupsAvailable && allHexGroups(groups);
        }
        String head = hex.substring(0, doubleColon);
        String tail = hex.substring(doubleColon + 2);
        String[] h = head.isEmpty() ? new String[0] : head.split(":", -1);
        String[] t = tail.isEmpty() ? new String[0] : tail.split(":", -1);
        // At least two groups besides the "::": a lone "::" or "::1" in prose is punctuation or loopback, not
        // anybody's address.
        int groups = h.length + t.length + (groupsAvailable == 6 ? 2 : 0);
        return groups >= 2 && h.length + t.length < groupsAvailable && allHexGroups(h) && allHexGroups(t);
    }

    private static boolean allHexGroups(String[] groups) {
        for (String g : groups) {
            if (g.isEmpty() || g.length() > 4) {
                return false;
            }
            for (int i = 0; i < g.length(); i++) {
                if (Character.digit(g.charAt(i), 16) < 0) {
                    return false;
                }
            }
        }
        return true;
    }
}
