package io.shardline.cli;

import io.shardline.config.Settings;
import io.shardline.feeder.FeederOptions;
import io.shardline.feeder.FeederServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs a feeder until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve dataset versions to training ranks over Arrow Flight (a feeder), until stopped with Ctrl-C."
                + " Options: shardline.feeder.* and shardline.s3.* (see the README's feeder options).")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file of 'key: value' lines; the job's options in it are ignored, so one file can serve both."
                    + " SHARDLINE_FEEDER_* environment variables override it; --set overrides both.")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set a feeder option; repeatable.")
    List<String> sets = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Settings config = FeederOptions.loader().load(configFile, System.getenv(), sets);
        FeederServer server = FeederServer.start(config);
        System.out.printf("Feeder serving %s at %s%s; Ctrl-C stops it.%n", FeederOptions.datasets(config).keySet(), server.location().getUri(),
                server.metricsPort() < 0 ? "" : ", metrics on http://" + config.get(FeederOptions.HOST) + ":"
                        + server.metricsPort() + "/metrics");
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "feeder-shutdown"));
        server.awaitTermination();
        return 0;
    }
}
