using Portal.Hosting;

// Commands (migrate, seed-demo, …) and configuration errors are handled in PortalCommandLine:
// an operator sees one clear line, never a stack trace.
return await PortalCommandLine.RunAsync(args, static hostArgs =>
{
    var builder = WebApplication.CreateBuilder(hostArgs);
    builder.AddPortal();
    var app = builder.Build();
    app.MapPortal();
    return app;
});

public partial class Program;
