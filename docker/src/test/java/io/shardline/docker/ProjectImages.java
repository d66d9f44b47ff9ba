package io.shardline.docker;

/**
 * The images {@code docker/images/build.sh} builds, by the names the tests start them by, and the one call a
 * Testcontainers test makes first.
 */
public final class ProjectImages {

    public static final String FLINK = "localhost/shardline-flink:2.2.0-java17";
    public static final String KAFKA = "localhost/shardline-kafka:4.2.0";
    public static final String S3 = "localhost/shardline-s3:3.1.0";
    public static final String JOB = "localhost/shardline-job:0.1.0";
    public static final String FEEDER = "localhost/shardline-feeder:0.1.0";

    private ProjectImages() {}

    /**
     * Makes the images ready and Testcontainers able to start them: finds the engine (aborting the test where
     * there is none), builds the images once per JVM, and connects Testcontainers to the engine.
     */
    public static void forTestcontainers() {
        ContainerEngine engine = ContainerEngine.get();
        engine.buildImages();
        engine.connectTestcontainers();
    }
}
