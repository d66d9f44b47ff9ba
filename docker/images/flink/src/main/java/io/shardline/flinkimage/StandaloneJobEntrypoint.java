package io.shardline.flinkimage;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.client.deployment.application.ApplicationClusterEntryPoint;
import org.apache.flink.client.program.DefaultPackagedProgramRetriever;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptionsInternal;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.runtime.entrypoint.ClusterEntrypoint;
import org.apache.flink.runtime.entrypoint.EntrypointClusterConfiguration;
import org.apache.flink.runtime.resourcemanager.StandaloneResourceManagerFactory;

/**
 * Application mode on a standalone cluster, as the official image's {@code standalone-job} runs it: this JobManager
 * runs one job, whose {@code main} it calls itself, from the jars in {@code usrlib/}. Flink's distribution carries
 * such an entry point, Maven Central does not; this one takes the same arguments:
 *
 * <pre>{@code --configDir DIR [-D key=value ...] --job-classname CLASS [--job-id ID] [--fromSavepoint PATH]
 * [--allowNonRestoredState] [program arguments]}</pre>
 */
public final class StandaloneJobEntrypoint extends ApplicationClusterEntryPoint {

    private StandaloneJobEntrypoint(Configuration configuration, PackagedProgram program) {
        super(configuration, program, StandaloneResourceManagerFactory.getInstance());
    }

    public static void main(String[] args) throws Exception {
        EntrypointClusterConfiguration cluster = ClusterEntrypoint.parseArguments(args);
        Configuration configuration = ClusterEntrypoint.loadConfiguration(cluster);
        JobArguments job = JobArguments.parse(cluster.getArgs());
        if (job.jobId != null) {
            configuration.set(PipelineOptionsInternal.PIPELINE_FIXED_JOB_ID, job.jobId);
        }
        if (job.savepoint != null) {
            configuration.set(StateRecoveryOptions.SAVEPOINT_PATH, job.savepoint);
            configuration.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, job.allowNonRestoredState);
        }
        File userLib = new File(System.getenv().getOrDefault("FLINK_HOME", "/opt/flink"), "usrlib");
        PackagedProgram program = DefaultPackagedProgramRetriever
                .create(userLib.isDirectory() ? userLib : null, job.className, job.programArguments, configuration)
                .getPackagedProgram();
        configureExecution(configuration, program);
        ClusterEntrypoint.runClusterEntrypoint(new StandaloneJobEntrypoint(configuration, program));
    }

    /** What follows the cluster options: the job's own flags, then the arguments of its {@code main}. */
    static final class JobArguments {
        String className;
        String jobId;
        String savepoint;
        boolean allowNonRestoredState;
        String[] programArguments;

        static JobArguments parse(String[] args) {
            JobArguments out = new JobArguments();
            List<String> rest = new ArrayList<>(Arrays.asList(args));
            while (!rest.isEmpty()) {
                String flag = rest.get(0);
                switch (flag) {
                    case "--job-classname", "-j" -> out.className = value(rest, flag);
                    case "--job-id", "-jid" -> out.jobId = value(rest, flag);
                    case "--fromSavepoint", "-s" -> out.savepoint = value(rest, flag);
                    case "--allowNonRestoredState", "-n" -> {
                        out.allowNonRestoredState = true;
                        rest.remove(0);
                    }
                    default -> {
                        out.programArguments = rest.toArray(String[]::new);
                        return out;
                    }
                }
            }
            out.programArguments = new String[0];
            return out;
        }

        private static String value(List<String> rest, String flag) {
            if (rest.size() < 2) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            rest.remove(0);
            return rest.remove(0);
        }
    }
}
