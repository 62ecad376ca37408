package dev.rill.perf.jmh;

/**
 * The JVM flags every forked benchmark JVM needs: the root pom's {@code rill.jvm.flags} (Agrona's
 * Unsafe export, Chronicle Queue's opens, Chronicle analytics off) plus what the {@code rill} command sets for production
 * (Chronicle's per-call thread check off). Annotation values must be
 * compile-time constants, so the list is repeated here, once, and every benchmark's
 * {@link RillBenchmark} base class passes it to {@code @Fork(jvmArgsAppend)}. Keep it in step with the
 * root pom.
 */
public final class RillJvmFlags
{
    public static final String ADD_EXPORTS_MISC = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    public static final String ADD_OPENS_NIO_CH = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";
    public static final String ADD_OPENS_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    public static final String ADD_EXPORTS_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    public static final String ADD_OPENS_NIO = "--add-opens=java.base/java.nio=ALL-UNNAMED";
    public static final String ADD_OPENS_LANG = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    public static final String NO_ANALYTICS = "-Dchronicle.analytics.disable=true";
    public static final String NO_ANNOUNCER = "-Dchronicle.announcer.disable=true";
    /** As the {@code rill} command runs: Chronicle's per-call single-thread check off. */
    public static final String NO_THREAD_CHECK = "-Ddisable.single.threaded.check=true";

    private RillJvmFlags()
    {
    }
}
