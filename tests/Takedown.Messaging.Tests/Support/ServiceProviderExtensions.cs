using Microsoft.Extensions.DependencyInjection;

namespace Takedown.Messaging.Tests.Support;

public static class ServiceProviderExtensions
{
    /// <summary>A scoped service from a new scope (left to the provider to dispose).</summary>
    public static T GetRequiredServiceInScope<T>(this IServiceProvider services) where T : notnull =>
        services.CreateScope().ServiceProvider.GetRequiredService<T>();
}
