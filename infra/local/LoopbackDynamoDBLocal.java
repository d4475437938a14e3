// DynamoDB Local listening on the loopback interface only. DynamoDB Local has no option for the address it binds:
// its Jetty server is made with `new Server(port)`, which listens on every interface, and it has no authentication
// while it holds unmasked personal data and task tokens. This starts it as its own main does (without the
// telemetry that main sets up), after setting its connectors' host to 127.0.0.1.
// infra/local/dynamodb.ts compiles this once (javac, into node_modules/.cache) and runs it with DynamoDB Local's
// classpath and DynamoDB Local's own arguments.
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public final class LoopbackDynamoDBLocal {
  private static final String HOST = "127.0.0.1";

  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    int bound = 0;
    for (Connector connector : server.getConnectors()) {
      if (connector instanceof ServerConnector serverConnector) {
        serverConnector.setHost(HOST);
        bound++;
      } else {
        fail("DynamoDB Local has a connector that cannot be bound to " + HOST + ": " + connector);
      }
    }
    if (bound == 0) fail("DynamoDB Local has no connector to bind to " + HOST);
    proxy.start();
    // DynamoDB Local prints a failure to listen (the port taken) and carries on without a server: end instead.
    if (!server.isStarted()) fail("DynamoDB Local did not start");
    for (Connector connector : server.getConnectors()) {
      if (!HOST.equals(((ServerConnector) connector).getHost())) fail("DynamoDB Local is not listening on " + HOST + " only");
    }
  }

  private static void fail(String message) {
    System.err.println(message);
    System.exit(2);
  }
}
