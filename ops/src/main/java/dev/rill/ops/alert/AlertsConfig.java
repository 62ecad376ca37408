package dev.rill.ops.alert;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import dev.rill.bus.ConfigException;
import dev.rill.ml.drift.DriftReport;

/**
 * The {@code alerts:} key of rill.yaml: how often a firing alert is repeated, how many
 * notifications are kept, the condition rules' thresholds, and the sinks. The SLO burn-rate
 * alerts are configured under {@code slo.burnAlerts}. Every part has a default
 * ({@link #defaults()}); validated on construction with messages naming the key.
 *
 * @param repeatInterval how often a notification is repeated while its alert stays firing (default 4h).
 * @param keep           notifications kept for {@code /alerts} (default 100).
 * @param queueCapacity  notifications that may wait for slow sinks before the oldest is dropped (default 256).
 * @param diskFull       rule {@code disk-full}.
 * @param subscriberLag  rule {@code subscriber-lag}.
 * @param modelFallback  rule {@code model-fallback}.
 * @param modelDrift     rule {@code model-drift}.
 * @param producerFenced rule {@code producer-fenced}.
 * @param sinks          where notifications go.
 */
public record AlertsConfig(
    Duration repeatInterval, int keep, int queueCapacity, DiskReserveRule.Config diskFull, SubscriberLagRule.Config subscriberLag,
    ModelFallbackRule.Config modelFallback, ModelDriftRule.Config modelDrift, ProducerFencedRule.Config producerFenced, Sinks sinks)
{
    public static final Duration DEFAULT_REPEAT_INTERVAL = Duration.ofHours(4);
    public static final int DEFAULT_KEEP = 100;
    public static final int DEFAULT_QUEUE_CAPACITY = 256;

    /**
     * {@code alerts.sinks}.
     *
     * @param log     one WARNING line per notification in the server log (default on).
     * @param webhook a JSON POST per notification, or null for none.
     * @param command a command per notification, or null for none.
     */
    public record Sinks(boolean log, WebhookSink.Config webhook, CommandSink.Config command)
    {
        public static Sinks defaults()
        {
            return new Sinks(true, null, null);
        }
    }

    public AlertsConfig
    {
        if (repeatInterval == null || repeatInterval.toMillis() < 1)
        {
            throw ConfigException.invalid("alerts.repeatInterval", repeatInterval, "a duration of at least 1ms, e.g. 4h");
        }
        if (keep < 1 || keep > 10_000)
        {
            throw ConfigException.invalid("alerts.keep", keep, "1 to 10000 notifications");
        }
        if (queueCapacity < 1 || queueCapacity > 100_000)
        {
            throw ConfigException.invalid("alerts.queueCapacity", queueCapacity, "1 to 100000 notifications");
        }
        diskFull = diskFull == null ? DiskReserveRule.Config.defaults() : diskFull;
        subscriberLag = subscriberLag == null ? SubscriberLagRule.Config.defaults() : subscriberLag;
        modelFallback = modelFallback == null ? ModelFallbackRule.Config.defaults() : modelFallback;
        modelDrift = modelDrift == null ? ModelDriftRule.Config.defaults() : modelDrift;
        producerFenced = producerFenced == null ? ProducerFencedRule.Config.defaults() : producerFenced;
        sinks = sinks == null ? Sinks.defaults() : sinks;
    }

    /** @return every default: the five condition rules on, the log sink only. */
    public static AlertsConfig defaults()
    {
        return new AlertsConfig(DEFAULT_REPEAT_INTERVAL, DEFAULT_KEEP, DEFAULT_QUEUE_CAPACITY, null, null, null, null, null, null);
    }

    public AlertsConfig withRepeatInterval(final Duration repeatInterval)
    {
        return new AlertsConfig(repeatInterval, keep, queueCapacity, diskFull, subscriberLag, modelFallback, modelDrift, producerFenced, sinks);
    }

    public AlertsConfig withSinks(final Sinks sinks)
    {
        return new AlertsConfig(repeatInterval, keep, queueCapacity, diskFull, subscriberLag, modelFallback, modelDrift, producerFenced, sinks);
    }

    /**
     * @param drift the active model's drift report (must not block), for {@code model-drift}.
     * @return the enabled condition rules: disk-full, subscriber-lag, model-fallback, model-drift, producer-fenced.
     */
    public List<AlertRule> conditionRules(final Supplier<DriftReport> drift)
    {
        final List<AlertRule> rules = new ArrayList<>();
        if (diskFull.enabled())
        {
            rules.add(new DiskReserveRule(diskFull));
        }
        if (subscriberLag.enabled())
        {
            rules.add(new SubscriberLagRule(subscriberLag));
        }
        if (modelFallback.enabled())
        {
            rules.add(new ModelFallbackRule(modelFallback));
        }
        if (modelDrift.enabled())
        {
            rules.add(new ModelDriftRule(modelDrift, drift));
        }
        if (producerFenced.enabled())
        {
            rules.add(new ProducerFencedRule(producerFenced));
        }
        return rules;
    }

    /** @return the configured sinks, log first. */
    public List<AlertSink> sinkList()
    {
        final List<AlertSink> list = new ArrayList<>();
        if (sinks.log())
        {
            list.add(new LogSink());
        }
        if (sinks.webhook() != null)
        {
            list.add(new WebhookSink(sinks.webhook()));
        }
        if (sinks.command() != null)
        {
            list.add(new CommandSink(sinks.command()));
        }
        return list;
    }
}
