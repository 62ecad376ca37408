package dev.rill.ops.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.TopicSchema;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.train.FraudDataGenerator;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;

/**
 * Test helper: a data directory whose journal "in" a real server filled over TCP with generated
 * payments and their labels, and a rill.yaml naming it.
 *
 * <p>Payments alternate between producers 1 and 3 (same seqs, so a join must use the producer id).
 * Producer 2 sends each payment's label on {@code payment_labels} [producer_id, seq, fraud],
 * except every 40th payment (left unlabelled); the first {@value #RELABELLED} payments are first
 * labelled wrongly, and correctly only after all payments (the later label must win). Producer 4
 * sends {@code card_payments}: the payment fields plus {@code is_fraud}. Topic
 * {@code chargebacks} has the label topic's fields and no event.
 */
final class LabelledJournal
{
    static final int PAYMENTS = 3200;
    static final int CARD_PAYMENTS = 1600;
    static final int RELABELLED = 300;
    static final Path COMMITTED_FRAUD = Path.of("..", "models", "fraud", "1").toAbsolutePath().normalize();

    private static final AtomicLong REFUSED = new AtomicLong();

    final Path dataDir;
    final Path config;
    /** The same journal, scored topic card_payments. */
    final Path cardConfig;
    /** "producer/seq" of each payment to its fields. */
    final Map<String, double[]> payments = new HashMap<>();
    /** "producer/seq" to the label that must win. */
    final Map<String, Boolean> labels = new HashMap<>();
    final Set<String> unlabelled = new HashSet<>();

    private LabelledJournal(final Path dir)
    {
        dataDir = dir.resolve("data");
        config = dir.resolve("rill.yaml");
        cardConfig = dir.resolve("card.yaml");
    }

    static LabelledJournal write(final Path dir) throws IOException, InterruptedException
    {
        final LabelledJournal j = new LabelledJournal(dir);
        final String topics = """
            topics:
              - name: payments
                fields: [amount, merchant_category, hour_of_day, distance_from_home_km, card_age_days, tx_count_1m]
              - name: payment_labels
                fields: [producer_id, seq, fraud]
              - name: chargebacks
                fields: [producer_id, seq, fraud]
              - name: card_payments
                fields: [amount, merchant_category, hour_of_day, distance_from_home_km, card_age_days, tx_count_1m, is_fraud]
            """;
        Files.writeString(j.config, "dataDir: " + j.dataDir + "\ngateway:\n  port: 0\nmodel:\n  directory: " + COMMITTED_FRAUD +
            "\n  topic: payments\n" + topics);
        Files.writeString(j.cardConfig, "dataDir: " + j.dataDir + "\ngateway:\n  port: 0\nmodel:\n  directory: " +
            COMMITTED_FRAUD + "\n  topic: card_payments\n" + topics);

        try (RillServer server = RillServer.start(RillConfig.read(j.config)))
        {
            final ClientConfig client = ClientConfig.of("127.0.0.1", server.address().getPort()).withMaxInFlight(4096);
            try (RillProducer one = RillProducer.connect(client.withProducer(1, 1), refusals());
                RillProducer three = RillProducer.connect(client.withProducer(3, 1), refusals());
                RillProducer labeller = RillProducer.connect(client.withProducer(2, 1), refusals());
                RillProducer cards = RillProducer.connect(client.withProducer(4, 1), refusals()))
            {
                final FraudDataGenerator generator = new FraudDataGenerator(17);
                final List<double[]> late = new ArrayList<>();
                for (int i = 0; i < PAYMENTS; i++)
                {
                    final double[] fields = new double[FraudFeatures.PAYMENT_FIELDS.size()];
                    generator.next(fields);
                    final boolean fraud = generator.lastWasFraud();
                    final RillProducer producer = i % 2 == 0 ? one : three;
                    final long producerId = i % 2 == 0 ? 1 : 3;
                    final long seq = producer.send("payments", generator.lastCardId(), now(), fields);
                    final String key = producerId + "/" + seq;
                    j.payments.put(key, fields);
                    if (i % 40 == 39)
                    {
                        j.unlabelled.add(key);
                        continue;
                    }
                    j.labels.put(key, fraud);
                    final double[] label = {producerId, seq, fraud ? 1 : 0};
                    if (i < RELABELLED)
                    {
                        labeller.send("payment_labels", seq, now(), producerId, seq, fraud ? 0 : 1);
                        late.add(label);
                    }
                    else
                    {
                        labeller.send("payment_labels", seq, now(), label);
                    }
                }
                for (final double[] label : late)
                {
                    labeller.send("payment_labels", (long)label[1], now(), label);
                }
                for (int i = 0; i < CARD_PAYMENTS; i++)
                {
                    final double[] fields = new double[FraudFeatures.PAYMENT_FIELDS.size() + 1];
                    generator.next(fields);
                    fields[fields.length - 1] = generator.lastWasFraud() ? 1 : 0;
                    cards.send("card_payments", generator.lastCardId(), now(), fields);
                }
                for (final RillProducer p : List.of(one, three, labeller, cards))
                {
                    if (!p.awaitAllAcknowledged(Duration.ofSeconds(30)))
                    {
                        throw new AssertionError("events not acknowledged in 30 s");
                    }
                }
                if (REFUSED.get() != 0)
                {
                    throw new AssertionError(REFUSED.get() + " events refused");
                }
            }
        }
        return j;
    }

    /** @return the configured topic of that name. */
    static TopicSchema topic(final RillConfig config, final String name)
    {
        return config.topics().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    private static long now()
    {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private static AckListener refusals()
    {
        return new AckListener()
        {
            @Override
            public void onAck(final long seq)
            {
            }

            @Override
            public void onNack(final long seq, final ErrorCode code, final String message)
            {
                REFUSED.incrementAndGet();
            }
        };
    }

    /** @return the server's journal "in" directory name, for checks of model.json. */
    Path inDirectory()
    {
        return dataDir.resolve(RillServer.IN);
    }
}
