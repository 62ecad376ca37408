package dev.rill.ops.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.rill.ops.RillServer;
import dev.rill.ops.admin.AdminExitCode;
import dev.rill.ops.cluster.ClusterMember;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rill cluster status}: one line per member of a replicated Rill (docs/scale-out.md),
 * read from each member's {@code /cluster} page on its admin listener (no token): role, the
 * leader it knows, the commit position it knows, the log position its pipeline has applied, and
 * the lag behind the highest commit position any member reports.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Replicated mode (cluster: in rill.yaml): the members' state.",
    subcommands = {ClusterCommand.Status.class})
final class ClusterCommand
{
    @Command(name = "status", mixinStandardHelpOptions = true,
        description = {"One line per member: role, leader, commit position, applied log position, lag (bytes of log not yet "
            + "applied), snapshots written, the snapshot it started from, Aeron errors since start.",
            "Reads /cluster from each member's admin listener (admin: in its rill.yaml); no token needed. "
                + "Exit status 0 when every member answers and exactly one leads, 1 when not (the lines say which), "
                + "69 when no member answers, 64 for a bad command line."})
    static final class Status implements Callable<Integer>
    {
        private static final JsonMapper JSON = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

        @Spec
        CommandSpec spec;

        @Option(names = "--members", required = true, split = ",", paramLabel = "HOST:PORT",
            description = "Every member's admin address (admin.host:admin.port), comma-separated")
        List<String> members;

        @Override
        public Integer call()
        {
            final PrintWriter out = spec.commandLine().getOut();
            final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            final List<ClusterMember.MemberStatus> answers = new ArrayList<>();
            final List<String> silent = new ArrayList<>();
            for (final String member : members)
            {
                try
                {
                    final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + member + RillServer.CLUSTER_PATH))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200)
                    {
                        silent.add(member + " (HTTP " + r.statusCode() + ": not a cluster member, or not a Rill admin listener)");
                        continue;
                    }
                    answers.add(JSON.readValue(r.body(), ClusterMember.MemberStatus.class));
                }
                catch (final Exception e)
                {
                    silent.add(member + " (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
                }
            }
            if (answers.isEmpty())
            {
                spec.commandLine().getErr().println("rill: " + AdminExitCode.ADMIN_UNREACHABLE.status() + ": no member answers: " +
                    String.join(", ", silent) + "; start them, or pass each member's admin address");
                return AdminExitCode.ADMIN_UNREACHABLE.status();
            }
            long commit = -1;
            int leaders = 0;
            for (final ClusterMember.MemberStatus s : answers)
            {
                commit = Math.max(commit, s.commitPosition());
                leaders += "LEADER".equals(s.role()) ? 1 : 0;
            }
            out.printf("%-6s %-9s %-6s %14s %14s %12s %9s %14s %6s%n",
                "member", "role", "leader", "commit", "applied", "lag", "snapshots", "started from", "errors");
            for (final ClusterMember.MemberStatus s : answers)
            {
                out.printf("%-6d %-9s %-6s %14d %14d %12d %9d %14s %6d%n", s.memberId(), s.role(),
                    s.leaderMemberId() < 0 ? "-" : String.valueOf(s.leaderMemberId()), s.commitPosition(), s.appliedPosition(),
                    Math.max(0, commit - s.appliedPosition()), s.snapshotsTaken(),
                    s.startedFromSnapshot() < 0 ? "log start" : String.valueOf(s.startedFromSnapshot()), s.errors());
            }
            for (final String s : silent)
            {
                out.println("no answer: " + s);
            }
            if (leaders != 1)
            {
                out.println(leaders == 0 ? "no member leads: an election is in progress or a majority is down " +
                    "(see ops/runbooks/cluster-lost-leader.md)" : leaders + " members say they lead: one is stale; ask again");
            }
            out.flush();
            return silent.isEmpty() && leaders == 1 ? 0 : 1;
        }
    }
}
