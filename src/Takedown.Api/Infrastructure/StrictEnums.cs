using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.OpenApi;

namespace Takedown.Api.Infrastructure;

/// <summary>
/// Enums as the contract lists them: a JSON string or form value that is exactly one of the enum's names, in their
/// letter case, and nothing else. <see cref="JsonStringEnumConverter"/> also takes integers, numeric strings, any
/// letter case, names padded with spaces and comma-joined flags ("Automatic,OperatorReview" became Automatic), so the
/// meaning of a value depended on the order the enum's members happen to be declared in, and a contradictory value
/// silently chose one of its halves. Names are matched ordinally: "automatic" is not a name (docs/api.md).
/// </summary>
public static class StrictEnums
{
    private static readonly ConcurrentDictionary<Type, string[]> NamesByType = new();

    /// <summary>The names a value of <paramref name="enumType"/> may take, in declaration order.</summary>
    public static IReadOnlyList<string> Names(Type enumType) => NamesByType.GetOrAdd(enumType, Enum.GetNames);

    /// <summary>The value named exactly <paramref name="text"/>, or null.</summary>
    public static object? Parse(Type enumType, string? text) =>
        text is not null && Names(enumType).Contains(text, StringComparer.Ordinal) ? Enum.Parse(enumType, text) : null;

    /// <summary>What a client is told when a value is none of the names.</summary>
    public static string Allowed(Type enumType) => $"Use one of: {string.Join(", ", Names(enumType))} (exactly, in this letter case).";

    /// <summary>The enum type of <paramref name="type"/> or of the nullable it is, else null.</summary>
    public static Type? EnumTypeOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying.IsEnum ? underlying : null;
    }
}

/// <summary>Reads and writes every enum by its exact name (<see cref="StrictEnums"/>).</summary>
public sealed class StrictEnumConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert)
    {
        ArgumentNullException.ThrowIfNull(typeToConvert);
        return typeToConvert.IsEnum;
    }

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(StrictEnumConverter<>).MakeGenericType(typeToConvert))!;

    private sealed class StrictEnumConverter<T> : JsonConverter<T> where T : struct, Enum
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.String && StrictEnums.Parse(typeof(T), reader.GetString()) is T value)
            {
                return value;
            }
            throw new EnumValueRejectedException(typeof(T));
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteStringValue(Enum.IsDefined(value)
                ? value.ToString()
                : throw new JsonException($"{typeof(T).Name} has no member with the value {value:D}."));
        }
    }
}

/// <summary>
/// A JSON value that is not one of an enum's names. The serializer adds the JSON path of the field; the API answers
/// with a 400 problem naming the field and the allowed names (<see cref="DomainExceptionHandler"/>). The message never
/// repeats the value sent.
/// </summary>
public sealed class EnumValueRejectedException(Type enumType) : JsonException(StrictEnums.Allowed(enumType))
{
    public Type EnumType { get; } = enumType;

    /// <summary>The field as the client wrote it: the JSON path without its leading <c>$.</c> (e.g. <c>escalationMode</c>).</summary>
    public string Field => Path is { } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : Path ?? "";
}

/// <summary>Binds enum form and query values of the portal and the dashboard by their exact names only.</summary>
public sealed class StrictEnumModelBinderProvider : IModelBinderProvider
{
    public IModelBinder? GetBinder(ModelBinderProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return StrictEnums.EnumTypeOf(context.Metadata.ModelType) is { } enumType ? new Binder(enumType) : null;
    }

    private sealed class Binder(Type enumType) : IModelBinder
    {
        public Task BindModelAsync(ModelBindingContext bindingContext)
        {
            ArgumentNullException.ThrowIfNull(bindingContext);
            var result = bindingContext.ValueProvider.GetValue(bindingContext.ModelName);
            if (result == ValueProviderResult.None)
            {
                return Task.CompletedTask;
            }
            bindingContext.ModelState.SetModelValue(bindingContext.ModelName, result);
            // One value, exactly a name: a repeated field ("Doxing" twice, or two different names) is as ambiguous as
            // a comma-joined one.
            if (result.Length == 1 && StrictEnums.Parse(enumType, result.FirstValue) is { } value)
            {
                bindingContext.Result = ModelBindingResult.Success(value);
            }
            else if (result.Length == 1 && string.IsNullOrEmpty(result.FirstValue) && bindingContext.ModelMetadata.IsReferenceOrNullableType)
            {
                // An empty choice ("no outcome") is no value, as for any other optional field.
                bindingContext.Result = ModelBindingResult.Success(null);
            }
            else
            {
                bindingContext.ModelState.TryAddModelError(bindingContext.ModelName, StrictEnums.Allowed(enumType));
                bindingContext.Result = ModelBindingResult.Failed();
            }
            return Task.CompletedTask;
        }
    }
}

/// <summary>The OpenAPI document lists each enum as a string with exactly its names.</summary>
public static class StrictEnumSchemas
{
    public static Task Transform(OpenApiSchema schema, Microsoft.AspNetCore.OpenApi.OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(context);
        if (StrictEnums.EnumTypeOf(context.JsonTypeInfo.Type) is { } type)
        {
            schema.Type = JsonSchemaType.String;
            schema.Enum = [.. StrictEnums.Names(type).Select(name => (JsonNode)JsonValue.Create(name))];
        }
        return Task.CompletedTask;
    }
}
