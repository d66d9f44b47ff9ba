package io.shardline.localstack;

import io.shardline.config.Secrets;
import io.shardline.localstack.internal.MiniClusterExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.DefaultPluginManager;
import org.apache.flink.core.plugin.DirectoryBasedPluginFinder;
import org.apache.flink.core.plugin.PluginConfig;
import org.apache.flink.core.plugin.PluginManager;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink MiniCluster in this JVM, bound to 127.0.0.1 with an ephemeral REST port, with checkpoints and
 * savepoints on local disk and the hashmap state backend. Jobs are submitted through ordinary
 * {@link StreamExecutionEnvironment}s from {@link #environment(Configuration)}.
 *
 * <p>Flink filesystem plugins (the S3 filesystem) are loaded from a plugins folder, each in its own class
 * loader: the S3 plugin carries unshaded Hadoop and AWS classes that must not meet the application's.
 */
public final class LocalFlink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalFlink.class);

    private final MiniCluster cluster;
    private final Configuration clusterConf;
    private final Path workDir;

    private LocalFlink(MiniCluster cluster, Configuration clusterConf, Path workDir) {
        this.cluster = cluster;
        this.clusterConf = clusterConf;
        this.workDir = workDir;
    }

    /**
     * Starts a MiniCluster.
     *
     * @param workDir folder for checkpoints and savepoints
     * @param slots task slots (the largest job parallelism it can run)
     * @param extra configuration added to the cluster's, e.g. {@code s3.*} keys for the S3 filesystem
     * @param pluginsDir folder of Flink plugins, or null for none
     */
    public static LocalFlink start(Path workDir, int slots, Configuration extra, Path pluginsDir) {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, "0");
        conf.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(JobManagerOptions.ADDRESS, "127.0.0.1");
        conf.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("64mb"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("64mb"));
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("128mb"));
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        // Jobs here run on the application class path, so Hadoop's FileSystem cache is shared with the code that
        // started them: an S3A pool thread first started by a job keeps the job's (closed) class loader as its
        // context after the job ends, and the next S3 call through it then failed in the leak check.
        conf.set(CoreOptions.CHECK_LEAKED_CLASSLOADER, false);
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, workDir.resolve("checkpoints").toUri().toString());
        conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, workDir.resolve("savepoints").toUri().toString());
        conf.addAll(extra);
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Flink work folder " + workDir, e);
        }
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        try {
            cluster.start();
        } catch (Exception e) { // MiniCluster.start declares Exception
            throw new IllegalStateException("the Flink MiniCluster did not start: " + e.getMessage(), e);
        }
        // MiniCluster.start initialized the filesystems without plugins; load them now, before any job runs.
        initializeFileSystems(conf, pluginsDir);
        LOG.info("Flink MiniCluster started with {} slots; REST at {}", slots, cluster.getRestAddress().getNow(null));
        return new LocalFlink(cluster, conf, workDir);
    }

    /**
     * Initializes Flink's file systems in this JVM with {@code conf} and the plugins under {@code pluginsDir} (none
     * if null or absent). A client that submits a job writing to {@code s3://} needs it too: the file sink asks
     * its file system for its serializers while the job graph is built.
     */
    public static void initializeFileSystems(Configuration conf, Path pluginsDir) {
        PluginManager plugins;
        try {
            List<org.apache.flink.core.plugin.PluginDescriptor> found = pluginsDir != null && Files.isDirectory(pluginsDir)
                    ? List.copyOf(new DirectoryBasedPluginFinder(pluginsDir).findPlugins())
                    : List.of();
            plugins = new DefaultPluginManager(found, PluginConfig.fromConfiguration(conf).getAlwaysParentFirstPatterns());
            if (!found.isEmpty()) {
                LOG.info("Loaded Flink plugins from {}: {}", pluginsDir, found.stream().map(p -> p.getPluginId()).toList());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Flink plugins folder " + pluginsDir, e);
        }
        FileSystem.initialize(conf, plugins);
    }

    /**
     * A fresh environment whose jobs run on this cluster. {@code jobConf} carries the job's settings
     * (parallelism, checkpointing, restart strategy, shardline options, a savepoint to restore); the cluster's own
     * configuration is added without its secrets, which the cluster's processes have already.
     */
    public StreamExecutionEnvironment environment(Configuration jobConf) {
        Configuration conf = Configuration.fromMap(Secrets.without(clusterConf.toMap()));
        conf.addAll(jobConf);
        conf.set(DeploymentOptions.TARGET, MiniClusterExecutor.NAME);
        conf.set(DeploymentOptions.ATTACHED, true);
        return new StreamExecutionEnvironment(new MiniClusterExecutor(cluster), conf, LocalFlink.class.getClassLoader());
    }

    public MiniCluster miniCluster() {
        return cluster;
    }

    public Path workDir() {
        return workDir;
    }

    public Path savepointDir() {
        return workDir.resolve("savepoints");
    }

    /** Default parallelism for jobs of this cluster. */
    public int slots() {
        return clusterConf.get(TaskManagerOptions.NUM_TASK_SLOTS);
    }

    @Override
    public void close() {
        try {
            cluster.closeAsync().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("The Flink MiniCluster did not stop cleanly within 60 s", e);
        }
    }

}
