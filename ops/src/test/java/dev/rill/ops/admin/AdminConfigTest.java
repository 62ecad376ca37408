package dev.rill.ops.admin;

import java.nio.file.Path;

import dev.rill.bus.ConfigException;
import dev.rill.ops.RillConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code admin:} section of rill.yaml. */
class AdminConfigTest
{
    private static final Path BASE = Path.of("/srv/rill");

    @Test
    void defaultsAreEnabledOnLoopbackPort7390WithTheTokenInTheDataDirectory()
    {
        final RillConfig config = RillConfig.parse("", "rill.yaml", BASE);
        final AdminConfig admin = config.admin();
        assertTrue(admin.enabled());
        assertEquals("127.0.0.1", admin.host());
        assertEquals(7390, admin.port());
        assertNull(admin.tokenFile(), "unset: follows the data directory");
        assertEquals(BASE.resolve("data/admin.token"), admin.withTokenFileIn(config.journal().dataDir()).tokenFile());
        assertEquals(Path.of("/d/admin.token"), config.withDataDir(Path.of("/d")).admin().withTokenFileIn(Path.of("/d")).tokenFile(),
            "--data-dir moves the default token file with the data");
    }

    @Test
    void valuesGivenOverrideDefaultsAndTheTokenFileResolvesAgainstTheConfigFile()
    {
        final RillConfig config = RillConfig.parse("""
            admin:
              enabled: false
              host: 0.0.0.0
              port: 9400
              tokenFile: secrets/admin.token
            """, "rill.yaml", BASE);
        assertEquals(new AdminConfig(false, "0.0.0.0", 9400, BASE.resolve("secrets/admin.token")), config.admin());
        assertEquals(BASE.resolve("secrets/admin.token"), config.admin().withTokenFileIn(Path.of("/elsewhere")).tokenFile(),
            "a configured token file stays where it is");
        assertEquals("0.0.0.0:9400", config.admin().endpoint());
    }

    @Test
    void badPortNamesTheKeyTheValueWhatIsAllowedAndTheLine()
    {
        final ConfigException e = assertThrows(ConfigException.class,
            () -> RillConfig.parse("gateway:\n  port: 7301\nadmin:\n  port: 70000\n", "rill.yaml", BASE));
        assertEquals("rill.yaml: admin.port: value '70000' is invalid: 0 to 65535 (0 picks a free port) (line 4)", e.getMessage());
    }

    @Test
    void blankHostAndBlankTokenFileAreRefusedNamingTheKey()
    {
        final ConfigException host = assertThrows(ConfigException.class,
            () -> RillConfig.parse("admin:\n  host: ' '\n", "rill.yaml", BASE));
        assertTrue(host.getMessage().contains("admin.host: value ' ' is invalid: an IP address or host name"), host.getMessage());
        final ConfigException token = assertThrows(ConfigException.class,
            () -> RillConfig.parse("admin:\n  tokenFile: ''\n", "rill.yaml", BASE));
        assertTrue(token.getMessage().contains("admin.tokenFile: value '' is invalid: a file path, or leave the key out"),
            token.getMessage());
    }

    @Test
    void adminPortEqualToTheGatewayPortIsRefused()
    {
        final ConfigException e = assertThrows(ConfigException.class,
            () -> RillConfig.parse("gateway:\n  port: 7400\nadmin:\n  port: 7400\n", "rill.yaml", BASE));
        assertTrue(e.getMessage().contains("admin.port: value '7400' is invalid: a port other than gateway.port"), e.getMessage());
        assertTrue(RillConfig.parse("gateway:\n  port: 0\nadmin:\n  port: 0\n", "rill.yaml", BASE).admin().enabled(),
            "two free ports (0) do not clash");
    }

    @Test
    void unknownAdminKeyListsTheKnownOnes()
    {
        final ConfigException e = assertThrows(ConfigException.class,
            () -> RillConfig.parse("admin:\n  token: x\n", "rill.yaml", BASE));
        assertTrue(e.getMessage().contains("unknown key 'admin.token'") && e.getMessage().contains("tokenFile"), e.getMessage());
    }

    @Test
    void wrongKindOfValueNamesTheKey()
    {
        final ConfigException e = assertThrows(ConfigException.class,
            () -> RillConfig.parse("admin:\n  enabled: sometimes\n", "rill.yaml", BASE));
        assertTrue(e.getMessage().contains("admin.enabled"), e.getMessage());
    }
}
