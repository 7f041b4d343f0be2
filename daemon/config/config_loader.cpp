#include "config/config_loader.h"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

#include "config/config_keys.h"

namespace paminna {

std::string ConfigError::to_string() const {
  std::string text;
  for (const auto& message : messages) {
    if (!text.empty()) {
      text += '\n';
    }
    text += message;
  }
  return text;
}

namespace {

const ConfigKey* find_key(std::string_view name) {
  for (const auto& key : config_keys()) {
    if (key.name == name) {
      return &key;
    }
  }
  return nullptr;
}

bool is_section(std::string_view name) {
  for (const auto& key : config_keys()) {
    if (key.name.size() > name.size() && key.name.starts_with(name) && key.name[name.size()] == '.') {
      return true;
    }
  }
  return false;
}

std::string where(const std::filesystem::path& source, const toml::source_region& region) {
  return fmt::format("{}:{}:{}", source.string(), region.begin.line, region.begin.column);
}

void apply_defaults(Config& config) {
  for (const auto& key : config_keys()) {
    auto parsed = toml::parse("v = " + std::string(key.default_toml));
    key.apply(config, *parsed.get("v"));
  }
}

class Walker {
 public:
  Walker(Config& config, const std::filesystem::path& source, ConfigError& error)
      : config_(config), source_(source), error_(error) {}

  // Keys are applied in the table's order, not the file's, so that a key may
  // depend on another (office.phone on office.region) whatever order a person wrote them in.
  void collect(const toml::table& table, const std::string& prefix) {
    for (const auto& [key, node] : table) {
      const std::string name = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
      if (find_key(name) != nullptr) {
        found_.emplace(name, &node);
      } else if (const auto* sub = node.as_table(); sub != nullptr && is_section(name)) {
        collect(*sub, name);
      } else {
        error_.messages.push_back(fmt::format("{}: unknown key '{}'", where(source_, node.source()), name));
      }
    }
  }

  void apply() {
    for (const auto& key : config_keys()) {
      const auto it = found_.find(std::string(key.name));
      if (it == found_.end()) {
        continue;
      }
      try {
        key.apply(config_, *it->second);
      } catch (const ConfigValueError& e) {
        error_.messages.push_back(fmt::format("{}: {}: {}", where(source_, it->second->source()), key.name, e.what()));
      }
    }
  }

 private:
  Config& config_;
  const std::filesystem::path& source_;
  ConfigError& error_;
  std::map<std::string, const toml::node*> found_;
};

}  // namespace

Config embedded_defaults() {
  Config config;
  apply_defaults(config);
  (void)check_config(config);  // the defaults are valid; this computes their warnings
  return config;
}

tl::expected<Config, ConfigError> parse_config(std::string_view text, const std::filesystem::path& source) {
  Config config = embedded_defaults();
  config.source = source;
  ConfigError error;
  toml::table document;
  try {
    document = toml::parse(text, source.string());
  } catch (const toml::parse_error& e) {
    error.messages.push_back(fmt::format("{}: {}", where(source, e.source()), e.description()));
    return tl::unexpected(std::move(error));
  }
  Walker walker(config, source, error);
  walker.collect(document, "");
  walker.apply();
  for (const auto& problem : check_config(config)) {
    error.messages.push_back(fmt::format("{}: {}", source.string(), problem));
  }
  if (!error.messages.empty()) {
    return tl::unexpected(std::move(error));
  }
  return config;
}

tl::expected<Config, ConfigError> load_config_file(const std::filesystem::path& path) {
  // A folder opens and reads as empty: it would silently give the defaults.
  if (std::error_code ec; std::filesystem::is_directory(path, ec)) {
    return tl::unexpected(ConfigError{{fmt::format("{}: is a folder, not a configuration file", path.string())}});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return tl::unexpected(
        ConfigError{{fmt::format("{}: cannot open: {}", path.string(), std::generic_category().message(errno))}});
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    return tl::unexpected(ConfigError{{fmt::format("{}: cannot read", path.string())}});
  }
  return parse_config(buffer.str(), path);
}

std::string config_reference() {
  std::string text;
  for (const auto& key : config_keys()) {
    text += fmt::format("{} ({}{}{}, default {})\n    {}\n", key.name, key.type, key.unit.empty() ? "" : ", ", key.unit,
                        key.default_toml, key.help);
  }
  return text;
}

}  // namespace paminna
