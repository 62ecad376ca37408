package dev.rill.ops;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import dev.rill.bus.ConfigException;
import dev.rill.bus.DiskFullAction;
import dev.rill.journal.RetentionConfig;
import dev.rill.bus.PipelineConfig;
import dev.rill.bus.WaitStrategyKind;
import dev.rill.bus.metrics.HotspotConfig;
import dev.rill.gateway.GatewayConfig;
import dev.rill.gateway.LatenessAction;
import dev.rill.gateway.LatenessConfig;
import dev.rill.gateway.ConnectionLimits;
import dev.rill.gateway.QuotaAction;
import dev.rill.gateway.QuotaConfig;
import dev.rill.gateway.QuotaLimits;
import dev.rill.ops.alert.AlertSink;
import dev.rill.ops.alert.AlertsConfig;
import dev.rill.ops.alert.Severity;
import dev.rill.ops.slo.BurnAlert;
import dev.rill.ops.slo.CorrectnessCause;
import dev.rill.ops.slo.Objective;
import dev.rill.ops.slo.SloConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RillConfigTest
{
    private static final Path BASE = Path.of("/srv/rill");

    @Test
    void emptyFileMeansEveryDefault()
    {
        final RillConfig config = RillConfig.parse("", "rill.yaml", BASE);
        assertEquals(7301, config.gateway().port());
        assertEquals("127.0.0.1", config.gateway().host());
        assertEquals(PipelineConfig.defaults(), config.pipeline());
        assertEquals(WaitStrategyKind.PARKING, config.pipeline().waitStrategy(), "the default parks: it does not spin");
        assertEquals(BASE.resolve("data"), config.journal().dataDir());
        assertTrue(config.journal().pretouch(), "journal pages are pre-faulted off the hot path by default");
        assertEquals("payments", config.topics().get(0).name());
    }

    @Test
    void valuesGivenOverrideDefaultsAndPathsResolveAgainstTheFile()
    {
        final RillConfig config = RillConfig.parse("""
            dataDir: /var/lib/rill
            gateway:
              port: 9000
            pipeline:
              ringSize: 1024
              threading: diamond
              waitStrategy: PHASED_BACKOFF
            journal:
              rollCycle: FAST_HOURLY
              pretouch: false
            model:
              directory: models/fraud/1
              fallbackScore: 0.05
            """, "rill.yaml", BASE);
        assertEquals(9000, config.gateway().port());
        assertEquals(1024, config.pipeline().ringSize());
        assertEquals(PipelineConfig.Threading.DIAMOND, config.pipeline().threading());
        assertEquals(WaitStrategyKind.PHASED_BACKOFF, config.pipeline().waitStrategy());
        assertEquals(Path.of("/var/lib/rill"), config.journal().dataDir());
        assertEquals("FAST_HOURLY", config.journal().rollCycle());
        assertEquals(false, config.journal().pretouch());
        assertEquals(false, config.withDataDir(Path.of("/x")).journal().pretouch(), "overriding dataDir keeps the rest");
        assertEquals(BASE.resolve("models/fraud/1"), config.model().directory());
        assertEquals(0.05, config.model().fallbackScore());
    }

    @Test
    void featuresAndModelServingKeysAreReadWithTheirDefaults()
    {
        final RillConfig config = RillConfig.parse("""
            model:
              batchBudgetMicros: 2500
              fallbackModel: none
              shadow: models/fraud/2
            features:
              - topic: payments
                maxKeys: 1000
                windows:
                  - {name: card_tx_count_1m, aggregate: count, window: 1m}
                  - {name: card_spend_1h, aggregate: SUM, field: amount, window: 1h, buckets: 6}
            """, "rill.yaml", BASE);
        assertEquals(2500, config.model().batchBudgetMicros());
        assertEquals(ModelConfig.FALLBACK_NONE, config.model().fallbackModel());
        assertEquals(BASE.resolve("models/fraud/2"), config.model().shadow());
        assertEquals(1, config.features().size());
        final var features = config.features().get(0);
        assertEquals(1000, features.maxKeys());
        assertEquals(Duration.ofHours(2), features.idleTimeout());
        assertEquals(12, features.windows().get(0).buckets());
        assertEquals("amount", features.windows().get(1).field());
        assertEquals(Duration.ofHours(1), features.windows().get(1).window());
        assertEquals(List.of(), RillConfig.parse("", "rill.yaml", BASE).features(), "no streaming features by default");
        assertEquals(ModelConfig.DEFAULT_BATCH_BUDGET_MICROS, RillConfig.parse("", "rill.yaml", BASE).model().batchBudgetMicros());
    }

    @Test
    void badFeaturesAreRefusedNamingTheKeyAndWhatIsAllowed()
    {
        final String window = "    windows:\n      - {name: n1, aggregate: count, window: 1m}\n";
        assertRefused("features:\n  - topic: refunds\n" + window, "features[0].topic", "a topic of the topics list");
        assertRefused("pipeline:\n  threading: DIAMOND\nfeatures:\n  - topic: payments\n" + window,
            "pipeline.threading", "FUSED when features: are configured");
        assertRefused("features:\n  - topic: payments\n    windows:\n      - {name: n1, aggregate: count}\n",
            "features[0].windows[0].window", "a duration");
        assertRefused("features:\n  - topic: payments\n    windows:\n      - {name: n1, aggregate: sum, field: colour, window: 1m}\n",
            "colour", "");
        assertRefused("features:\n  - topic: payments\n    maxKeys: 50000000\n" + window, "features.maxKeys", "checkpoint fits one array");
        assertRefused("model:\n  fallbackModel: newest\n", "model.fallbackModel", "previous or none");
        assertRefused("model:\n  batchBudgetMicros: -1\n", "model.batchBudgetMicros", "0 (no budget)");
    }

    @Test
    void hotspotsAndQuotaKeysAreReadAndProducerOverridesFillTheirGapsFromTheDefaults()
    {
        final RillConfig defaults = RillConfig.parse("", "rill.yaml", BASE);
        assertEquals(HotspotConfig.defaults(), defaults.hotspots(), "hotspots on by default: 10 s windows, top 10, 128 counters");
        assertEquals(QuotaConfig.unlimited(), defaults.gateway().quota(), "no quota by default");
        assertTrue(defaults.gateway().quota().limitsFor(42).unlimited());

        final RillConfig config = RillConfig.parse("""
            gateway:
              port: 9000
              quota:
                eventsPerSecond: 5000
                bytesPerSecond: 2MiB
                burst: 500ms
                onExceeded: refuse
                producers:
                  42: {eventsPerSecond: 20000}
                  7: {eventsPerSecond: 0, bytesPerSecond: 0}
            hotspots:
              enabled: false
              window: 30s
              topN: 5
              counters: 256
              keyShareAlert: 0.1
              minEventsPerWindow: 50
            """, "rill.yaml", BASE);
        final QuotaConfig quota = config.gateway().quota();
        assertEquals(9000, config.gateway().port(), "the other gateway keys still read");
        assertEquals(QuotaAction.REFUSE, quota.onExceeded());
        assertEquals(new QuotaLimits(5000, 2L << 20, Duration.ofMillis(500)), quota.limitsFor(1), "a producer without override");
        assertEquals(new QuotaLimits(20000, 2L << 20, Duration.ofMillis(500)), quota.limitsFor(42), "an override takes the rest from the defaults");
        assertTrue(quota.limitsFor(7).unlimited(), "0 exempts a producer");
        assertEquals(new HotspotConfig(false, Duration.ofSeconds(30), 5, 256, 0.1, 50), config.hotspots());
        assertEquals(QuotaAction.PAUSE, RillConfig.parse("gateway:\n  quota:\n    eventsPerSecond: 10\n", "rill.yaml", BASE)
            .gateway().quota().onExceeded(), "pause by default");
    }

    @Test
    void latenessAndReplySettingsReadFromYamlWithPerTopicOverridesAndBadValuesAreRefusedNamingTheKey()
    {
        final RillConfig defaults = RillConfig.parse("", "rill.yaml", BASE);
        assertEquals(LatenessConfig.off(), defaults.gateway().lateness(), "no lateness check by default");
        assertEquals(Long.MAX_VALUE, defaults.gateway().lateness().allowedNanos("payments"));
        assertEquals(GatewayConfig.DEFAULT_MAX_PENDING_REPLIES, defaults.gateway().maxPendingReplies());

        final RillConfig config = RillConfig.parse("""
            gateway:
              maxPendingReplies: 1024
              lateness:
                allowed: 30s
                action: flag
                maxFutureSkew: 1m
                topics:
                  payments: {allowed: 500ms, action: reject}
            """, "rill.yaml", BASE);
        final LatenessConfig lateness = config.gateway().lateness();
        assertEquals(1024, config.gateway().maxPendingReplies());
        assertEquals(Duration.ofMillis(500).toNanos(), lateness.allowedNanos("payments"), "the topic's own");
        assertEquals(LatenessAction.REJECT, lateness.actionFor("payments"));
        assertEquals(Duration.ofSeconds(30).toNanos(), lateness.allowedNanos("other"), "the default for other topics");
        assertEquals(LatenessAction.FLAG, lateness.actionFor("other"));
        assertEquals(Duration.ofMinutes(1).toNanos(), lateness.maxFutureSkewNanos());

        assertRefused("gateway:\n  lateness:\n    allowed: soon\n", "gateway.lateness.allowed", "a duration");
        assertRefused("gateway:\n  lateness:\n    action: drop\n", "gateway.lateness.action", "FLAG");
        assertRefused("gateway:\n  lateness:\n    topics:\n      nope: {allowed: 1s}\n", "gateway.lateness.topics.nope",
            "a topic of the topics list");
        assertRefused("gateway:\n  maxPendingReplies: -1\n", "gateway.maxPendingReplies", "1 to 1048576");
    }

    @Test
    void gatewayLimitKeysAreReadAndBadOnesRefusedNamingTheKey()
    {
        assertEquals(ConnectionLimits.defaults(), RillConfig.parse("", "rill.yaml", BASE).gateway().limits(),
            "defaults: no per-address limit, Hello within 10 s, no idle timeout, no window, no lag limit");
        final ConnectionLimits limits = RillConfig.parse("""
            gateway:
              maxConnectionsPerAddress: 64
              handshakeTimeout: 5s
              idleTimeout: 2m
              maxInFlight: 4096
              subscriberMaxLag: 1000000
            """, "rill.yaml", BASE).gateway().limits();
        assertEquals(new ConnectionLimits(64, Duration.ofSeconds(5), Duration.ofMinutes(2), 4096, 1_000_000), limits);
        assertEquals(Duration.ZERO, RillConfig.parse("gateway:\n  handshakeTimeout: 0s\n", "rill.yaml", BASE)
            .gateway().limits().handshakeTimeout(), "0s turns the handshake timeout off");
        assertRefused("gateway:\n  maxConnectionsPerAddress: -1\n", "gateway.maxConnectionsPerAddress", "0 (no limit)");
        assertRefused("gateway:\n  handshakeTimeout: 1ms\n", "gateway.handshakeTimeout", "10ms to 1d");
        assertRefused("gateway:\n  idleTimeout: soon\n", "gateway.idleTimeout", "a duration");
        assertRefused("gateway:\n  maxInFlight: -2\n", "gateway.maxInFlight", "0 (no window)");
        assertRefused("gateway:\n  subscriberMaxLag: -2\n", "gateway.subscriberMaxLag", "0 (no limit)");
    }

    @Test
    void badHotspotsAndQuotaValuesAreRefusedNamingTheKey()
    {
        assertRefused("gateway:\n  quota:\n    eventsPerSecond: -5\n", "gateway.quota.eventsPerSecond", "0 (no limit)");
        assertRefused("gateway:\n  quota:\n    eventsPerSecond: 20000000\n", "gateway.quota.eventsPerSecond", "10000000");
        assertRefused("gateway:\n  quota:\n    bytesPerSecond: 2MB\n", "gateway.quota.bytesPerSecond", "KiB");
        assertRefused("gateway:\n  quota:\n    burst: 0s\n", "gateway.quota.burst", "1ms to 1h");
        assertRefused("gateway:\n  quota:\n    burst: soon\n", "gateway.quota.burst", "a duration");
        assertRefused("gateway:\n  quota:\n    onExceeded: drop\n", "gateway.quota.onExceeded", "PAUSE");
        assertRefused("gateway:\n  quota:\n    producers:\n      abc: {eventsPerSecond: 1}\n", "gateway.quota.producers", "producer ids");
        assertRefused("gateway:\n  quota:\n    producers:\n      42: {burst: 2h}\n", "gateway.quota.producers.42.burst", "1ms to 1h");
        assertRefused("gateway:\n  quota:\n    producers:\n      42: {eventsPerSecond: -1}\n",
            "gateway.quota.producers.42.eventsPerSecond", "0 (no limit)");
        assertRefused("gateway:\n  quota:\n    producers:\n      42: {rate: 1}\n", "gateway.quota.producers.42.rate", "eventsPerSecond");
        assertRefused("hotspots:\n  window: 100ms\n", "hotspots.window", "1s to 1h");
        assertRefused("hotspots:\n  topN: 0\n", "hotspots.topN", "1 to hotspots.counters");
        assertRefused("hotspots:\n  counters: 100000\n", "hotspots.counters", "8 to 4096");
        assertRefused("hotspots:\n  keyShareAlert: 1.5\n", "hotspots.keyShareAlert", "at most 1");
        assertRefused("hotspots:\n  keyShareAlert: 0.001\n", "hotspots.keyShareAlert", "raise counters");
        assertRefused("hotspots:\n  minEventsPerWindow: -1\n", "hotspots.minEventsPerWindow", "0 or more");
        final ConfigException e = assertThrows(ConfigException.class,
            () -> RillConfig.parse("gateway:\n  port: 1\nhotspots:\n  window: 100ms\n", "rill.yaml", BASE));
        assertTrue(e.getMessage().contains("(line 4)"), "names the line: " + e.getMessage());
    }

    @Test
    void sloAndAlertsDefaultToTheWorkbooksBurnRatesAndTheLogSink()
    {
        final RillConfig config = RillConfig.parse("", "rill.yaml", BASE);
        assertEquals(SloConfig.defaults(), config.slo());
        assertEquals(Duration.ofDays(30), config.slo().budgetPeriod());
        assertEquals(List.of("latency-5ms", "freshness-1s", "correctness", "availability"),
            config.slo().objectives().stream().map(Objective::name).toList());
        assertEquals(List.of("1h/5m", "6h/30m", "3d/6h"), config.slo().burnAlerts().stream().map(BurnAlert::label).toList());
        assertEquals(14.4, config.slo().burnAlerts().get(0).burnRate());
        assertEquals(Severity.TICKET, config.slo().burnAlerts().get(2).severity());
        assertEquals(List.of("log"), config.slo().alerts().sinkList().stream().map(AlertSink::name).toList());
        assertEquals(SloConfig.defaults(), config.withDataDir(Path.of("/x")).slo(), "code-built configs get the defaults too");
    }

    @Test
    void sloAndAlertsKeysAreReadWithUnitsAndReplaceTheDefaults()
    {
        final RillConfig config = RillConfig.parse("""
            slo:
              budgetPeriod: 4w
              objectives:
                - {kind: latency, threshold: 500us, target: 99}
                - {kind: latency, name: latency-tail, threshold: 20ms, target: 99.9}
                - {kind: freshness, threshold: 2s, target: 99.5}
                - {kind: correctness, target: 99.99, count: [fallback, rejected]}
                - {kind: availability, target: 99.9}
              burnAlerts:
                - {long: 2h, short: 10m, burnRate: 10, severity: page}
                - {long: 1d, short: 2h, burnRate: 2, severity: ticket}
            alerts:
              repeatInterval: 30m
              keep: 50
              subscriberLag: {records: 5000, for: 1m}
              modelFallback: {ratio: 0.05, window: 10m, severity: page}
              modelDrift: {enabled: false}
              producerFenced: {events: 10, window: 1m, for: 30s}
              sinks:
                log: {enabled: false}
                webhook: {url: "http://127.0.0.1:9999/hook", timeout: 2s, retries: 5, backoff: 200ms}
                command: {run: [/usr/local/bin/notify, --team, rill], timeout: 3s}
            """, "rill.yaml", BASE);
        final SloConfig slo = config.slo();
        assertEquals(Duration.ofDays(28), slo.budgetPeriod());
        assertEquals(List.of("latency-500us", "latency-tail", "freshness-2s", "correctness", "availability"),
            slo.objectives().stream().map(Objective::name).toList());
        assertEquals(Duration.ofNanos(500_000), slo.objectives().get(0).threshold());
        assertEquals(Set.of(CorrectnessCause.FALLBACK, CorrectnessCause.REJECTED), slo.objectives().get(3).count());
        assertEquals(99.99, slo.objectives().get(3).target());
        assertEquals(List.of("10m", "2h", "1d"), slo.windows().stream().map(SloConfig::format).toList());
        assertEquals(Duration.ofMinutes(1), slo.windowBucket(), "a tenth of the shortest window");
        final AlertsConfig alerts = slo.alerts();
        assertEquals(Duration.ofMinutes(30), alerts.repeatInterval());
        assertEquals(50, alerts.keep());
        assertEquals(5000, alerts.subscriberLag().records());
        assertEquals(Duration.ofMinutes(1), alerts.subscriberLag().holdFor());
        assertEquals(Severity.PAGE, alerts.modelFallback().severity());
        assertEquals(Duration.ofMinutes(10), alerts.modelFallback().window());
        assertFalse(alerts.modelDrift().enabled());
        assertEquals(List.of("disk-full", "subscriber-lag", "model-fallback", "producer-fenced"),
            alerts.conditionRules(() -> null).stream().map(dev.rill.ops.alert.AlertRule::name).toList());
        assertEquals("http://127.0.0.1:9999/hook", alerts.sinks().webhook().url().toString());
        assertEquals(5, alerts.sinks().webhook().retries());
        assertEquals(Duration.ofMillis(200), alerts.sinks().webhook().backoff());
        assertEquals(List.of("/usr/local/bin/notify", "--team", "rill"), alerts.sinks().command().run());
        assertEquals(List.of("webhook", "command"), alerts.sinkList().stream().map(AlertSink::name).toList());
    }

    @Test
    void badSloAndAlertValuesAreRefusedNamingTheKey()
    {
        assertRefused("slo:\n  objectives:\n    - {kind: latency, target: 99}\n",
            "slo.objectives[latency].threshold", "a duration above 0");
        assertRefused("slo:\n  objectives:\n    - {kind: correctness, target: 0.999}\n",
            "slo.objectives[correctness].target", "99.9 means 99.9 %");
        assertRefused("slo:\n  objectives:\n    - {kind: availability, target: 100}\n",
            "slo.objectives[availability].target", "below 100");
        assertRefused("slo:\n  objectives:\n    - {kind: availability, target: 99, threshold: 1s}\n",
            "slo.objectives[availability].threshold", "latency and freshness objectives only");
        assertRefused("slo:\n  objectives:\n    - {kind: latency, threshold: 20m, target: 99}\n",
            "slo.objectives[latency-20m].threshold", "at most 10m");
        assertRefused("slo:\n  objectives:\n    - {kind: availability, target: 99}\n    - {kind: availability, target: 99.9}\n",
            "slo.objectives[1].name", "objectives[0] is already called that");
        assertRefused("slo:\n  objectives:\n    - {kind: latency, threshold: fast, target: 99}\n",
            "slo.objectives[0].threshold", "a duration");
        assertRefused("slo:\n  objectives:\n    - {kind: speed, target: 99}\n",
            "slo.objectives", "[latency, freshness, correctness, availability]");
        assertRefused("slo:\n  burnAlerts:\n    - {long: 5m, short: 1h, burnRate: 14.4}\n",
            "slo.burnAlerts[5m/1h].short", "shorter than the long window");
        assertRefused("slo:\n  budgetPeriod: 1d\n", "slo.budgetPeriod", "at least the longest alert window, 3d");
        assertRefused("slo:\n  burnAlerts:\n    - {long: 30d, short: 1s, burnRate: 1}\n",
            "slo.burnAlerts", "at most 1000000 buckets");
        assertRefused("alerts:\n  sinks:\n    webhook: {url: 'ftp://example.org/x'}\n",
            "alerts.sinks.webhook.url", "an http:// or https:// URL");
        assertRefused("alerts:\n  sinks:\n    command: {run: []}\n", "alerts.sinks.command.run", "a program");
        assertRefused("alerts:\n  modelFallback: {ratio: 5}\n", "alerts.modelFallback.ratio", "below 1");
        assertRefused("alerts:\n  subscriberLag: {for: soon}\n", "alerts.subscriberLag.for", "a duration");
        assertRefused("alerts:\n  diskFull: {severity: urgent}\n", "alerts.diskFull.severity", "[page, ticket, info]");
        assertRefused("alerts:\n  diskfull: {enabled: false}\n", "alerts.diskfull", "diskFull");
    }

    private static void assertRefused(final String yaml, final String key, final String allowed)
    {
        final ConfigException e = assertThrows(ConfigException.class, () -> RillConfig.parse(yaml, "rill.yaml", BASE), yaml);
        assertTrue(e.getMessage().contains(key) && e.getMessage().contains(allowed), e.getMessage());
    }

    @Test
    void unknownKeyIsAnErrorNamingTheKeyAndTheKnownOnes()
    {
        final ConfigException e = assertThrows(ConfigException.class,
            () -> RillConfig.parse("gateway:\n  prot: 9000\n", "rill.yaml", BASE));
        assertTrue(e.getMessage().contains("unknown key 'gateway.prot'"), e.getMessage());
        assertTrue(e.getMessage().contains("port"), "lists the known keys: " + e.getMessage());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void wrongTypeIsAnErrorNamingTheKeyAndValue()
    {
        final ConfigException e = assertThrows(ConfigException.class,
            () -> RillConfig.parse("pipeline:\n  ringSize: lots\n", "rill.yaml", BASE));
        assertTrue(e.getMessage().contains("pipeline.ringSize") && e.getMessage().contains("lots"), e.getMessage());
    }

    @Test
    void outOfRangeValueIsAnErrorNamingKeyValueAndWhatIsAllowed()
    {
        final ConfigException e = assertThrows(ConfigException.class,
            () -> RillConfig.parse("pipeline:\n  ringSize: 1000\n", "rill.yaml", BASE));
        assertEquals("rill.yaml: pipeline.ringSize: value '1000' is invalid: a power of two, at least 2 (line 2)", e.getMessage());
    }

    @Test
    void diskReserveAndDiskFullActionAreReadWithUnitsAndDefaultToHalfAGibibyteAndRefuse()
    {
        final RillConfig defaults = RillConfig.parse("", "rill.yaml", BASE);
        assertEquals(512L << 20, defaults.journal().diskReserve());
        assertEquals(DiskFullAction.REFUSE, defaults.journal().onDiskFull());
        final RillConfig config = RillConfig.parse("journal:\n  diskReserve: 1.5GiB\n  onDiskFull: pause\n", "rill.yaml", BASE);
        assertEquals(3L << 29, config.journal().diskReserve());
        assertEquals(DiskFullAction.PAUSE, config.journal().onDiskFull());
        assertEquals(DiskFullAction.PAUSE, config.withDataDir(Path.of("/x")).journal().onDiskFull(), "overriding dataDir keeps the rest");
        assertEquals(1048576, RillConfig.parse("journal:\n  diskReserve: 1048576\n", "rill.yaml", BASE).journal().diskReserve(),
            "a plain number is bytes");
        assertEquals(0, RillConfig.parse("journal:\n  diskReserve: 0\n", "rill.yaml", BASE).journal().diskReserve());
    }

    @Test
    void retentionKeysTakeDurationsAndSizesAndNoneMeansKeepForever()
    {
        assertFalse(RillConfig.parse("", "rill.yaml", BASE).journal().retention().enabled(), "by default nothing is ever deleted");
        final RetentionConfig retention = RillConfig.parse("journal:\n  retention:\n    maxAge: 7d\n    maxBytes: 50GiB\n    interval: 30s\n",
            "rill.yaml", BASE).journal().retention();
        assertEquals(Duration.ofDays(7), retention.maxAge());
        assertEquals(50L << 30, retention.maxBytes());
        assertEquals(Duration.ofSeconds(30), retention.interval());
        final RetentionConfig ageOnly = RillConfig.parse("journal:\n  retention:\n    maxAge: 12h\n", "rill.yaml", BASE).journal().retention();
        assertEquals(Duration.ofHours(12), ageOnly.maxAge());
        assertEquals(0, ageOnly.maxBytes(), "no size limit");
        assertEquals(RetentionConfig.DEFAULT_INTERVAL, ageOnly.interval());
        assertTrue(RillConfig.parse("journal:\n  retention:\n    maxAge: 12h\n", "rill.yaml", BASE)
            .withDataDir(Path.of("/x")).journal().retention().enabled(), "overriding dataDir keeps retention");
    }

    @Test
    void badRetentionValuesNameTheKeyAndTheLine()
    {
        final ConfigException age = assertThrows(ConfigException.class,
            () -> RillConfig.parse("journal:\n  retention:\n    maxBytes: 1GiB\n    maxAge: 7 days\n", "rill.yaml", BASE));
        assertTrue(age.getMessage().contains("journal.retention.maxAge: value '7 days' is invalid") &&
            age.getMessage().contains("(line 4)"), age.getMessage());
        final ConfigException interval = assertThrows(ConfigException.class,
            () -> RillConfig.parse("journal:\n  retention:\n    interval: 10ms\n", "rill.yaml", BASE));
        assertTrue(interval.getMessage().contains("journal.retention.interval") && interval.getMessage().contains("1s to 1d") &&
            interval.getMessage().contains("(line 3)"), interval.getMessage());
        final ConfigException unknown = assertThrows(ConfigException.class,
            () -> RillConfig.parse("journal:\n  retention:\n    maxAgeDays: 7\n", "rill.yaml", BASE));
        assertTrue(unknown.getMessage().contains("unknown key 'journal.retention.maxAgeDays'") && unknown.getMessage().contains("maxAge"),
            unknown.getMessage());
    }

    @Test
    void aBadSizeNamesTheKeyTheValueTheUnitsAndTheLine()
    {
        final ConfigException e = assertThrows(ConfigException.class,
            () -> RillConfig.parse("gateway:\n  port: 1\njournal:\n  rollCycle: FAST_DAILY\n  diskReserve: 512MB\n", "rill.yaml", BASE));
        assertEquals("rill.yaml: journal.diskReserve: value '512MB' is invalid: a size: a whole number of bytes, " +
            "or a number and a unit B, KiB, MiB, GiB, TiB (e.g. 512MiB) (line 5)", e.getMessage());
        final ConfigException action = assertThrows(ConfigException.class,
            () -> RillConfig.parse("journal:\n  onDiskFull: panic\n", "rill.yaml", BASE));
        assertTrue(action.getMessage().contains("journal.onDiskFull") && action.getMessage().contains("PAUSE") &&
            action.getMessage().contains("line 2"), action.getMessage());
    }

    @Test
    void unknownEnumValueListsTheAllowedOnes()
    {
        final ConfigException e = assertThrows(ConfigException.class,
            () -> RillConfig.parse("pipeline:\n  waitStrategy: SPIN_HARDER\n", "rill.yaml", BASE));
        assertTrue(e.getMessage().contains("pipeline.waitStrategy") && e.getMessage().contains("PARKING"), e.getMessage());
    }

    @Test
    void modelTopicMustBeAConfiguredTopic()
    {
        final ConfigException e = assertThrows(ConfigException.class, () -> RillConfig.parse("""
            topics:
              - name: clicks
                fields: [x, y]
            """, "rill.yaml", BASE));
        assertTrue(e.getMessage().contains("model.topic"), e.getMessage());
    }

    @Test
    void badRollCycleListsTheChoices()
    {
        final ConfigException e = assertThrows(ConfigException.class,
            () -> RillConfig.parse("journal:\n  rollCycle: YEARLY\n", "rill.yaml", BASE));
        assertTrue(e.getMessage().contains("journal.rollCycle") && e.getMessage().contains("FAST_DAILY"), e.getMessage());
    }

    @Test
    void invalidYamlSaysWhere()
    {
        final ConfigException e = assertThrows(ConfigException.class,
            () -> RillConfig.parse("gateway:\n\tport: 1\n", "rill.yaml", BASE));
        assertTrue(e.getMessage().startsWith("rill.yaml: not valid YAML"), e.getMessage());
    }
}
