package dev.rill.gateway;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

import dev.rill.gateway.auth.AuthConfig;
import dev.rill.gateway.tls.TlsConfig;

/**
 * Security of the TCP gateway: {@code gateway.tls}, {@code gateway.auth} and
 * {@code gateway.allowInsecure} in rill.yaml.
 *
 * <p>A gateway that listens beyond this machine (a {@code gateway.host} that is not a loopback
 * address) must have TLS and token authentication on, or say {@code allowInsecure: true}:
 * {@link GatewayConfig} refuses anything else, so a bus is never exposed in clear text and
 * without authentication by a one-line change of the listen address.
 *
 * @param tls           TLS of the listener, or null for plain TCP.
 * @param auth          Hello token checking; {@link AuthConfig#off()} unless set.
 * @param allowInsecure listen beyond loopback without TLS or without authentication anyway
 *                      (a trusted network, or TLS ended by a proxy in front).
 */
public record GatewaySecurity(TlsConfig tls, AuthConfig auth, boolean allowInsecure)
{
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    public GatewaySecurity
    {
        auth = auth == null ? AuthConfig.off() : auth;
    }

    /** @return no TLS, no authentication: fine on loopback only. */
    public static GatewaySecurity none()
    {
        return new GatewaySecurity(null, AuthConfig.off(), false);
    }

    public GatewaySecurity withTls(final TlsConfig tls)
    {
        return new GatewaySecurity(tls, auth, allowInsecure);
    }

    public GatewaySecurity withAuth(final AuthConfig auth)
    {
        return new GatewaySecurity(tls, auth, allowInsecure);
    }

    /** @return whether both TLS and authentication are on. */
    public boolean secure()
    {
        return tls != null && auth.enabled();
    }

    /**
     * @return whether {@code host} is this machine only: {@code localhost}, 127.0.0.0/8 or ::1. Any
     *         other name counts as beyond it (no name is looked up here).
     */
    static boolean loopback(final String host)
    {
        final String h = host.strip();
        if (h.equalsIgnoreCase("localhost"))
        {
            return true;
        }
        if (IPV4.matcher(h).matches() || h.indexOf(':') >= 0)
        {
            try
            {
                return InetAddress.getByName(h).isLoopbackAddress(); // a literal: no lookup
            }
            catch (final UnknownHostException e)
            {
                return false;
            }
        }
        return false;
    }
}
