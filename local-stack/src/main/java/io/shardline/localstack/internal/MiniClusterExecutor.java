package io.shardline.localstack.internal;

import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.flink.api.dag.Pipeline;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * Submits a StreamExecutionEnvironment's jobs to a MiniCluster that this process started, so that the same
 * environment API drives the embedded cluster and a real one. Job classes come from the application class
 * path: the MiniCluster runs in this JVM.
 */
public final class MiniClusterExecutor implements PipelineExecutorServiceLoader, PipelineExecutorFactory, PipelineExecutor {

    public static final String NAME = "shardline-minicluster";

    private final MiniCluster cluster;

    public MiniClusterExecutor(MiniCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
        return this;
    }

    @Override
    public Stream<String> getExecutorNames() {
        return Stream.of(NAME);
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean isCompatibleWith(Configuration configuration) {
        return true;
    }

    @Override
    public PipelineExecutor getExecutor(Configuration configuration) {
        return this;
    }

    @Override
    public CompletableFuture<JobClient> execute(Pipeline pipeline, Configuration configuration, ClassLoader userCodeClassloader) {
        if (!(pipeline instanceof StreamGraph graph)) {
            throw new IllegalArgumentException("only DataStream jobs run on the embedded cluster, got " + pipeline.getClass());
        }
        return cluster.submitJob(graph).thenApply(result -> new MiniClusterJobClient(result.getJobID(), cluster,
                userCodeClassloader, MiniClusterJobClient.JobFinalizationBehavior.NOTHING));
    }
}
