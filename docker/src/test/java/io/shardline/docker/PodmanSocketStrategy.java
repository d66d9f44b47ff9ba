package io.shardline.docker;

import java.net.URI;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;
import org.testcontainers.dockerclient.TransportConfig;

/**
 * Testcontainers' way to the podman API service that {@link ContainerEngine} starts (its socket in the system
 * property {@value #SOCKET_PROPERTY}), found by Testcontainers through {@code META-INF/services}. Never written to
 * the user's Testcontainers settings: the socket lives as long as the test JVM.
 */
public final class PodmanSocketStrategy extends DockerClientProviderStrategy {

    static final String SOCKET_PROPERTY = "shardline.podman.socket";

    @Override
    public String getDescription() {
        return "podman's Docker-compatible API at " + System.getProperty(SOCKET_PROPERTY);
    }

    @Override
    protected boolean isApplicable() {
        return System.getProperty(SOCKET_PROPERTY) != null;
    }

    @Override
    protected boolean isPersistable() {
        return false;
    }

    @Override
    protected int getPriority() {
        return 1_000; // before the strategies that look for a Docker engine
    }

    @Override
    public TransportConfig getTransportConfig() {
        return TransportConfig.builder().dockerHost(URI.create("unix://" + System.getProperty(SOCKET_PROPERTY))).build();
    }
}
