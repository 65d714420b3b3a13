using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Portal.Kernel;

/// <summary>
/// The <see cref="Caller"/> of a page: the signed-in person and the address of their browser. A circuit has no
/// request of its own, so the address is taken once, from the request that opened the circuit (or the prerender),
/// and kept for the circuit's life. Pages also report the refusals they show here: the same audit as the API's.
/// </summary>
public sealed class PageCaller(AuthenticationStateProvider authentication, PageCaller.Address address, IRefusalRecorder refusals,
    NavigationManager navigation)
{
    public async Task<Caller> CallerAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return new Caller(state.User, address.Ip);
    }

    /// <summary>Runs a use case as this page's caller; a refusal it answers is audited as the API would audit it.</summary>
    public async Task<Outcome<T>> RunAsync<T>(Func<Caller, Task<Outcome<T>>> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var caller = await CallerAsync();
        var outcome = await action(caller);
        if (outcome.Failure is { } failure)
        {
            Refused(caller, failure);
        }
        return outcome;
    }

    /// <summary>For pages that run the use case themselves: reports the refusal they are about to show.</summary>
    public void Refused(Caller caller, Failure failure)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(failure);
        if (RefusalPolicy.IsAudited((int)failure.Kind, failure.Code))
        {
            refusals.Record(new Refusal(caller.Actor, (int)failure.Kind, failure.Code, "page /" + navigation.ToBaseRelativePath(navigation.Uri).Split('?')[0]));
        }
    }

    public static IServiceCollection AddPageCallers(IServiceCollection services)
    {
        services.AddScoped<Address>();
        services.AddScoped<PageCaller>();
        services.AddScoped<CircuitHandler, AddressCapture>();
        return services;
    }

    /// <summary>The browser's address for this scope (a prerendering request or a circuit).</summary>
    public sealed class Address(IHttpContextAccessor accessor)
    {
        private string? _ip;

        public string? Ip => _ip ??= Capture();

        public string? Capture() => _ip ??= accessor.HttpContext?.Connection.RemoteIpAddress?.ToString();
    }

    /// <summary>
    /// Runs as the circuit opens, inside the hub connection's request, where the (forwarded-headers corrected)
    /// remote address is still at hand; later circuit events may run where it is not.
    /// </summary>
    private sealed class AddressCapture(Address address) : CircuitHandler
    {
        public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
        {
            address.Capture();
            return Task.CompletedTask;
        }

        public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
        {
            address.Capture();
            return Task.CompletedTask;
        }
    }
}
