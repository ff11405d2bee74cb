using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace Segur.Conventions.Tests;

/// <summary>Writes an assembly's public surface (types and public/protected members, sorted), one line each.</summary>
internal static class PublicApi
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    public static string Describe(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes())
        {
            lines.Add(DescribeType(type));
            foreach (var member in type.GetMembers(Declared))
            {
                if (IsVisible(member) && DescribeMember(type, member) is { } line)
                {
                    lines.Add(line);
                }
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return string.Join("\n", lines.Distinct()) + "\n";
    }

    public static string CommittedPath(Assembly assembly)
    {
        var name = assembly.GetName().Name!;
        var folder = name == "segur" ? "Segur.Cli" : name;
        return Path.Combine(RepoRoot.Path, "src", folder, "PublicAPI.txt");
    }

    public static string ReadCommitted(Assembly assembly)
    {
        var path = CommittedPath(assembly);
        return File.Exists(path) ? File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal) : string.Empty;
    }

    private static bool IsVisible(MemberInfo member) => member switch
    {
        MethodBase m => (m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly) && !m.IsSpecialName || m is ConstructorInfo { IsPublic: true } or ConstructorInfo { IsFamily: true } or ConstructorInfo { IsFamilyOrAssembly: true },
        FieldInfo f => (f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly) && !f.IsSpecialName,
        PropertyInfo p => p.GetAccessors(true).Any(a => a.IsPublic || a.IsFamily || a.IsFamilyOrAssembly),
        EventInfo e => e.AddMethod is { } add && (add.IsPublic || add.IsFamily || add.IsFamilyOrAssembly),
        Type t => t.IsNestedPublic || t.IsNestedFamily,
        _ => false,
    };

    private static string DescribeType(Type type)
    {
        var kind = type.IsInterface ? "interface"
            : type.IsEnum ? "enum"
            : type.IsValueType ? (type.IsDefined(typeof(IsReadOnlyAttribute)) ? "readonly struct" : "struct")
            : typeof(Delegate).IsAssignableFrom(type) ? "delegate"
            : type.IsAbstract && type.IsSealed ? "static class"
            : type.IsAbstract ? "abstract class"
            : type.IsSealed ? "sealed class" : "class";
        var bases = new List<string>();
        if (type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum) && !typeof(Delegate).IsAssignableFrom(type))
        {
            bases.Add(Name(b));
        }

        bases.AddRange(type.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic).Select(Name).Order(StringComparer.Ordinal));
        return $"{Name(type)}: {kind}" + (bases.Count > 0 ? " : " + string.Join(", ", bases) : string.Empty);
    }

    private static string? DescribeMember(Type owner, MemberInfo member)
    {
        var prefix = Name(owner) + ".";
        switch (member)
        {
            case ConstructorInfo c:
                return $"{prefix}ctor({Parameters(c.GetParameters())}){Access(c)}";
            case MethodInfo m when m.Name is not ("Finalize") && !(m.IsPrivate):
                var generic = m.IsGenericMethodDefinition ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">" : string.Empty;
                return $"{prefix}{m.Name}{generic}({Parameters(m.GetParameters())}) -> {Name(m.ReturnType)}{Modifiers(m)}";
            case PropertyInfo p:
                var accessors = string.Join(" ", new[] { p.GetMethod, p.SetMethod }
                    .Where(a => a is not null && (a.IsPublic || a.IsFamily || a.IsFamilyOrAssembly))
                    .Select(a => a == p.GetMethod ? "get;" : IsInitOnly(a!) ? "init;" : "set;"));
                var index = p.GetIndexParameters() is { Length: > 0 } ip ? "[" + Parameters(ip) + "]" : string.Empty;
                return $"{prefix}{p.Name}{index} -> {Name(p.PropertyType)} {{ {accessors} }}{Modifiers(p.GetAccessors(true)[0])}";
            case FieldInfo f:
                var value = f.IsLiteral ? " = " + FormatConstant(f.GetRawConstantValue()) : string.Empty;
                return $"{prefix}{f.Name} -> {Name(f.FieldType)}{(f.IsStatic ? " static" : string.Empty)}{(f.IsInitOnly ? " readonly" : string.Empty)}{value}";
            case EventInfo e:
                return $"{prefix}{e.Name} -> event {Name(e.EventHandlerType!)}";
            case Type:
                return null; // nested types are listed as types
            default:
                return null;
        }
    }

    private static string FormatConstant(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s + "\"",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
    };

    private static bool IsInitOnly(MethodInfo setter) =>
        setter.ReturnParameter.GetRequiredCustomModifiers().Any(t => t == typeof(IsExternalInit));

    private static string Access(MethodBase m) => m.IsFamily || m.IsFamilyOrAssembly ? " protected" : string.Empty;

    private static string Modifiers(MethodInfo m)
    {
        var sb = new StringBuilder(Access(m));
        if (m.IsStatic)
        {
            sb.Append(" static");
        }
        else if (m.IsAbstract && !m.DeclaringType!.IsInterface)
        {
            sb.Append(" abstract");
        }
        else if (m.IsVirtual && !m.IsFinal && !m.DeclaringType!.IsInterface)
        {
            sb.Append(m.GetBaseDefinition() == m ? " virtual" : " override");
        }

        return sb.ToString();
    }

    private static string Parameters(ParameterInfo[] parameters) => string.Join(", ", parameters.Select(p =>
    {
        var mod = p.IsOut ? "out " : p.ParameterType.IsByRef ? (p.IsIn ? "in " : "ref ") : p.IsDefined(typeof(ParamArrayAttribute)) ? "params " : string.Empty;
        var type = p.ParameterType.IsByRef ? p.ParameterType.GetElementType()! : p.ParameterType;
        var def = p.HasDefaultValue ? " = " + (p.DefaultValue is null ? "default" : FormatConstant(p.DefaultValue)) : string.Empty;
        return $"{mod}{Name(type)} {p.Name}{def}";
    }));

    private static string Name(Type type)
    {
        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Name(underlying) + "?";
        }

        var name = type.IsNested ? Name(type.DeclaringType!) + "." + type.Name : (type.Namespace is null ? type.Name : type.Namespace + "." + type.Name);
        if (type.IsGenericType)
        {
            var tick = name.IndexOf('`', StringComparison.Ordinal);
            if (tick >= 0)
            {
                name = name[..tick];
            }

            name += "<" + string.Join(", ", type.GetGenericArguments().Select(Name)) + ">";
        }

        return name;
    }
}

internal static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "SegurSdk.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("SegurSdk.sln not found above " + AppContext.BaseDirectory);
    }
}
