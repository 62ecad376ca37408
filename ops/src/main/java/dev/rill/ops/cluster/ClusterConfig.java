package dev.rill.ops.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.rill.bus.ConfigException;

/**
 * Replicated mode ({@code cluster:} in rill.yaml): this process is one member of an Aeron
 * Cluster, and events reach its pipeline only from committed entries of the cluster log. Absent,
 * Rill runs as a single node and starts nothing of Aeron. See docs/scale-out.md.
 *
 * @param memberId               this member's id, one of {@code members}.
 * @param members                every member, the same list on each.
 * @param dir                    the consensus module's and the archive's files (log recording,
 *                               snapshots, mark files); default {@code <dataDir>/cluster}.
 * @param aeronDir               the embedded media driver's directory; default
 *                               {@code /dev/shm/rill-aeron-<portBase>} (a tmpfs), else the temp directory.
 * @param leaderHeartbeatTimeout how long followers wait without a heartbeat from the leader before
 *                               they elect a new one: the floor of the failover time. Default 2 s.
 */
public record ClusterConfig(int memberId, List<Member> members, Path dir, Path aeronDir, Duration leaderHeartbeatTimeout)
{
    /** Default leader heartbeat timeout: well above a GC pause of this JVM, well below Aeron's 10 s. */
    public static final Duration DEFAULT_LEADER_HEARTBEAT_TIMEOUT = Duration.ofSeconds(2);

    /** Ports used from a member's {@code portBase}: ingress, consensus, log, catch-up, archive control. */
    public static final int PORTS_PER_MEMBER = 5;

    /**
     * One member of the cluster.
     *
     * @param id       member id, 0 and up, unique.
     * @param host     the address the other members and the archive reach it on.
     * @param portBase first of {@value #PORTS_PER_MEMBER} UDP ports: +0 ingress, +1 consensus, +2 log,
     *                 +3 catch-up, +4 archive control.
     * @param gateway  its gateway's {@code host:port}, named to producers that reach a follower.
     */
    public record Member(int id, String host, int portBase, String gateway)
    {
        public Member
        {
            if (id < 0)
            {
                throw ConfigException.invalid("cluster.members[].id", id, "a member id of 0 or more");
            }
            if (host == null || host.isBlank())
            {
                throw ConfigException.invalid("cluster.members[" + id + "].host", host, "a host name or address");
            }
            if (portBase < 1 || portBase + PORTS_PER_MEMBER > 65_536)
            {
                throw ConfigException.invalid("cluster.members[" + id + "].portBase", portBase,
                    "a UDP port from 1 to " + (65_536 - PORTS_PER_MEMBER) + " (it and the next " + (PORTS_PER_MEMBER - 1) + " are used)");
            }
            if (gateway == null || gateway.lastIndexOf(':') <= 0)
            {
                throw ConfigException.invalid("cluster.members[" + id + "].gateway", gateway, "the member's gateway as host:port");
            }
        }

        int port(final int offset)
        {
            return portBase + offset;
        }
    }

    public ClusterConfig
    {
        members = List.copyOf(members == null ? List.of() : members);
        if (members.isEmpty())
        {
            throw ConfigException.invalid("cluster.members", "[]", "every member of the cluster (3 for a cluster that survives one loss)");
        }
        final Set<Integer> ids = new HashSet<>();
        for (final Member m : members)
        {
            if (!ids.add(m.id()))
            {
                throw ConfigException.invalid("cluster.members", "id " + m.id() + " twice", "each member id once");
            }
        }
        if (!ids.contains(memberId))
        {
            throw ConfigException.invalid("cluster.memberId", memberId, "the id of one of cluster.members " + ids);
        }
        if (dir == null)
        {
            throw ConfigException.invalid("cluster.dir", null, "a directory for the cluster log and snapshots");
        }
        leaderHeartbeatTimeout = leaderHeartbeatTimeout == null ? DEFAULT_LEADER_HEARTBEAT_TIMEOUT : leaderHeartbeatTimeout;
        if (leaderHeartbeatTimeout.toMillis() < 200)
        {
            throw ConfigException.invalid("cluster.leaderHeartbeatTimeout", leaderHeartbeatTimeout, "200ms or more");
        }
        if (aeronDir == null)
        {
            final Path shm = Path.of("/dev/shm");
            final Path base = Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
            aeronDir = base.resolve("rill-aeron-" + members.stream().filter(m -> m.id() == memberId).findFirst().orElseThrow().portBase());
        }
    }

    /** @return this member's entry. */
    public Member self()
    {
        return member(memberId);
    }

    /** @return the member with this id, or null. */
    public Member member(final int id)
    {
        for (final Member m : members)
        {
            if (m.id() == id)
            {
                return m;
            }
        }
        return null;
    }

    /**
     * @return Aeron's cluster members string: {@code id,ingress,consensus,log,catchup,archive|...}.
     */
    String aeronMembers()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Member m : members)
        {
            sb.append(m.id());
            for (int offset = 0; offset < PORTS_PER_MEMBER; offset++)
            {
                sb.append(',').append(m.host()).append(':').append(m.port(offset));
            }
            sb.append('|');
        }
        return sb.toString();
    }
}
