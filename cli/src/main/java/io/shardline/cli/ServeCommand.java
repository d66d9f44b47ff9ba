package io.shardline.cli;

import io.shardline.config.Settings;
import io.shardline.feeder.FeederOptions;
import io.shardline.feeder.FeederServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Runs a feeder until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true, footer = "%nExample: ./shardline serve --set shardline.feeder.datasets=demo=file://$PWD/shardline-data/datasets/demo",
        description = "Serve dataset versions to training ranks over Arrow Flight (a feeder), until stopped with Ctrl-C."
                + " Options: shardline.feeder.* and shardline.s3.* (see the README's feeder options).")
final class ServeCommand implements Callable<Integer> {

    /** --config (the job's options in the file are ignored, so one file can serve both), --set, --stack. */
    @picocli.CommandLine.Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        Settings config = common.loadFeeder();
        FeederServer server = FeederServer.start(config);
        System.out.printf("Feeder serving %s at %s%s; Ctrl-C stops it.%n", FeederOptions.datasets(config).keySet(), server.location().getUri(),
                server.metricsPort() < 0 ? "" : ", metrics on http://" + config.get(FeederOptions.HOST) + ":"
                        + server.metricsPort() + "/metrics");
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "feeder-shutdown"));
        server.awaitTermination();
        return 0;
    }
}
