package dev.rill.ops.alert;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.rill.bus.ConfigException;
import dev.rill.bus.TimeSpan;

/**
 * The {@code alerts:} key of rill.yaml as written (every key optional), read by Jackson as part
 * of {@code RillConfig}; {@link #toConfig()} fills the defaults and validates. Durations are
 * {@link TimeSpan}s ({@code 30s}, {@code 5m}, {@code 4h}).
 *
 * @param repeatInterval {@link AlertsConfig#repeatInterval()}.
 * @param keep           {@link AlertsConfig#keep()}.
 * @param queueCapacity  {@link AlertsConfig#queueCapacity()}.
 * @param diskFull       {@code {enabled, severity, for}}.
 * @param subscriberLag  {@code {enabled, severity, for, records}}.
 * @param modelFallback  {@code {enabled, severity, for, ratio, window, minEvents}}.
 * @param modelDrift     {@code {enabled, severity, for, psi, minObserved}}.
 * @param producerFenced {@code {enabled, severity, for, events, window}}.
 * @param sinks          {@code {log: {enabled}, webhook: {url, timeout, retries, backoff}, command: {run, timeout}}}.
 */
public record AlertsSection(
    String repeatInterval, Integer keep, Integer queueCapacity, RuleSection diskFull, LagSection subscriberLag,
    FallbackSection modelFallback, DriftSection modelDrift, FencedSection producerFenced, SinksSection sinks)
{
    /** @return the configuration; {@code section} null means every default. */
    public static AlertsConfig toConfig(final AlertsSection section)
    {
        return section == null ? AlertsConfig.defaults() : section.toConfig();
    }

    AlertsConfig toConfig()
    {
        return new AlertsConfig(
            duration("alerts.repeatInterval", repeatInterval, AlertsConfig.DEFAULT_REPEAT_INTERVAL),
            keep == null ? AlertsConfig.DEFAULT_KEEP : keep,
            queueCapacity == null ? AlertsConfig.DEFAULT_QUEUE_CAPACITY : queueCapacity,
            diskFull == null ? null : diskFull.toConfig(),
            subscriberLag == null ? null : subscriberLag.toConfig(),
            modelFallback == null ? null : modelFallback.toConfig(),
            modelDrift == null ? null : modelDrift.toConfig(),
            producerFenced == null ? null : producerFenced.toConfig(),
            sinks == null ? null : sinks.toConfig());
    }

    /** {@code alerts.diskFull}. */
    public record RuleSection(Boolean enabled, Severity severity, @JsonProperty("for") String holdFor)
    {
        DiskReserveRule.Config toConfig()
        {
            final DiskReserveRule.Config d = DiskReserveRule.Config.defaults();
            return new DiskReserveRule.Config(enabled == null ? d.enabled() : enabled, severity == null ? d.severity() : severity,
                duration("alerts.diskFull.for", holdFor, d.holdFor()));
        }
    }

    /** {@code alerts.subscriberLag}. */
    public record LagSection(Boolean enabled, Severity severity, @JsonProperty("for") String holdFor, Long records)
    {
        SubscriberLagRule.Config toConfig()
        {
            final SubscriberLagRule.Config d = SubscriberLagRule.Config.defaults();
            return new SubscriberLagRule.Config(enabled == null ? d.enabled() : enabled, severity == null ? d.severity() : severity,
                duration("alerts.subscriberLag.for", holdFor, d.holdFor()), records == null ? d.records() : records);
        }
    }

    /** {@code alerts.modelFallback}. */
    public record FallbackSection(
        Boolean enabled, Severity severity, @JsonProperty("for") String holdFor, Double ratio, String window, Long minEvents)
    {
        ModelFallbackRule.Config toConfig()
        {
            final ModelFallbackRule.Config d = ModelFallbackRule.Config.defaults();
            return new ModelFallbackRule.Config(enabled == null ? d.enabled() : enabled, severity == null ? d.severity() : severity,
                duration("alerts.modelFallback.for", holdFor, d.holdFor()), ratio == null ? d.ratio() : ratio,
                duration("alerts.modelFallback.window", window, d.window()), minEvents == null ? d.minEvents() : minEvents);
        }
    }

    /** {@code alerts.modelDrift}. */
    public record DriftSection(Boolean enabled, Severity severity, @JsonProperty("for") String holdFor, Double psi, Long minObserved)
    {
        ModelDriftRule.Config toConfig()
        {
            final ModelDriftRule.Config d = ModelDriftRule.Config.defaults();
            return new ModelDriftRule.Config(enabled == null ? d.enabled() : enabled, severity == null ? d.severity() : severity,
                duration("alerts.modelDrift.for", holdFor, d.holdFor()), psi == null ? d.psi() : psi,
                minObserved == null ? d.minObserved() : minObserved);
        }
    }

    /** {@code alerts.producerFenced}. */
    public record FencedSection(Boolean enabled, Severity severity, @JsonProperty("for") String holdFor, Long events, String window)
    {
        ProducerFencedRule.Config toConfig()
        {
            final ProducerFencedRule.Config d = ProducerFencedRule.Config.defaults();
            return new ProducerFencedRule.Config(enabled == null ? d.enabled() : enabled, severity == null ? d.severity() : severity,
                duration("alerts.producerFenced.for", holdFor, d.holdFor()), events == null ? d.events() : events,
                duration("alerts.producerFenced.window", window, d.window()));
        }
    }

    /** {@code alerts.sinks}. */
    public record SinksSection(LogSection log, WebhookSection webhook, CommandSection command)
    {
        AlertsConfig.Sinks toConfig()
        {
            return new AlertsConfig.Sinks(
                log == null || log.enabled() == null || log.enabled(),
                webhook == null ? null : webhook.toConfig(),
                command == null ? null : command.toConfig());
        }
    }

    /** {@code alerts.sinks.log}. */
    public record LogSection(Boolean enabled)
    {
    }

    /** {@code alerts.sinks.webhook}. */
    public record WebhookSection(String url, String timeout, Integer retries, String backoff)
    {
        WebhookSink.Config toConfig()
        {
            final URI uri;
            try
            {
                uri = url == null ? null : new URI(url.strip());
            }
            catch (final URISyntaxException e)
            {
                throw ConfigException.invalid("alerts.sinks.webhook.url", url, "an http:// or https:// URL (" + e.getReason() + ")");
            }
            return new WebhookSink.Config(uri,
                duration("alerts.sinks.webhook.timeout", timeout, WebhookSink.Config.DEFAULT_TIMEOUT),
                retries == null ? WebhookSink.Config.DEFAULT_RETRIES : retries,
                duration("alerts.sinks.webhook.backoff", backoff, WebhookSink.Config.DEFAULT_BACKOFF));
        }
    }

    /** {@code alerts.sinks.command}. */
    public record CommandSection(List<String> run, String timeout)
    {
        CommandSink.Config toConfig()
        {
            return new CommandSink.Config(run, duration("alerts.sinks.command.timeout", timeout, CommandSink.Config.DEFAULT_TIMEOUT));
        }
    }

    private static Duration duration(final String key, final String text, final Duration otherwise)
    {
        return text == null ? otherwise : TimeSpan.parse(key, text);
    }
}
