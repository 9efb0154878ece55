package tier

import (
	"slices"
	"time"

	"github.com/kente-gov/kente/core/ratelimit"
)

// GHS converts whole cedis to pesewas.
func GHS(cedis int64) int64 { return cedis * 100 }

// DefaultCatalog returns the seed's plans (free 0, starter 30, professional
// 60, enterprise 100 GHS a month; 10/100/500/unlimited messages a day and
// 3/10/20/30 a minute), yearly prices of ten months, the original's student
// prices (professional 25, enterprise 45; starter has none, so it costs
// students the full price), output caps 2048/4096/6144/8192, the model
// catalogue, a 3-day trial, 7 days of grace and a general limit of 600
// requests a minute. Each call returns a fresh copy.
func DefaultCatalog() Catalog {
	plan := func(id, name string, monthly, student int64, perDay, perMinute, maxOut int, features ...string) Plan {
		return Plan{
			ID: id, Name: name, Currency: "GHS",
			Monthly: GHS(monthly), Yearly: GHS(10 * monthly),
			StudentMonthly: GHS(student), StudentYearly: GHS(10 * student),
			MessagesPerDay: perDay, MessagesPerMinute: perMinute, MaxOutputTokens: maxOut,
			Features: features,
		}
	}
	return Catalog{
		Plans: []Plan{
			plan(Free, "Free", 0, 0, 10, 3, 2048,
				"10 messages/day", "Llama 3.1 8B model", "Basic templates"),
			plan(Starter, "Starter", 30, 30, 100, 10, 4096,
				"100 messages/day", "Llama 3.1 70B model", "All templates", "Web search"),
			plan(Professional, "Professional", 60, 25, 500, 20, 6144,
				"500 messages/day", "All models including Vision", "Deep research", "Document generation", "Priority support"),
			plan(Enterprise, "Enterprise", 100, 45, Unlimited, 30, 8192,
				"Unlimited messages", "All models", "Custom agents", "Team spaces", "API access", "Dedicated support"),
		},
		Models:  slices.Clone(defaultModels),
		Trial:   72 * time.Hour,
		Grace:   7 * 24 * time.Hour,
		General: ratelimit.PerMinute(600),
	}
}

// defaultModels are the seed's three examples and the original AskOzzy
// catalogue (Workers AI ids), each with the plan that unlocks it.
var defaultModels = []Model{
	{ID: "@cf/meta/llama-3.1-8b-instruct", Name: "Llama 3.1 8B", Provider: "Meta", Tier: Free, Description: "Fast, efficient model for general tasks", MaxTokens: 4096, ContextWindow: 7968},
	{ID: "@cf/meta/llama-3.1-8b-instruct-fast", Name: "Llama 3.1 8B Fast", Provider: "Meta", Tier: Free, Description: "Lowest-latency answers for short questions", MaxTokens: 4096, ContextWindow: 7968},
	{ID: "@cf/openai/gpt-oss-20b", Name: "GPT-OSS 20B", Provider: "OpenAI", Tier: Free, Description: "Open-weight reasoning model for everyday work", MaxTokens: 4096, ContextWindow: 131072},
	{ID: "@cf/google/gemma-3-12b-it", Name: "Gemma 3 12B", Provider: "Google", Tier: Free, Description: "Multilingual model with a long context", MaxTokens: 4096, ContextWindow: 80000},
	{ID: "@cf/meta/llama-3.1-70b-instruct", Name: "Llama 3.1 70B", Provider: "Meta", Tier: Starter, Description: "Powerful model for complex reasoning", MaxTokens: 8192, ContextWindow: 128000},
	{ID: "@cf/meta/llama-3.2-11b-vision-instruct", Name: "Llama 3.2 Vision", Provider: "Meta", Tier: Professional, Description: "Multimodal model with image understanding", MaxTokens: 4096, ContextWindow: 128000, SupportsVision: true},
	{ID: "@cf/meta/llama-4-scout-17b-16e-instruct", Name: "Llama 4 Scout", Provider: "Meta", Tier: Professional, Description: "Mixture-of-experts model with vision and a long context", MaxTokens: 8192, ContextWindow: 131000, SupportsVision: true, Recommended: true},
	{ID: "@cf/qwen/qwq-32b", Name: "QwQ 32B", Provider: "Qwen", Tier: Professional, Description: "Step-by-step reasoning", MaxTokens: 8192, ContextWindow: 24000},
	{ID: "@cf/mistralai/mistral-small-3.1-24b-instruct", Name: "Mistral Small 3.1", Provider: "Mistral AI", Tier: Professional, Description: "Balanced model for drafting and summaries", MaxTokens: 8192, ContextWindow: 128000},
	{ID: "@cf/zai-org/glm-4.7-flash", Name: "GLM 4.7 Flash", Provider: "Zhipu AI", Tier: Professional, Description: "Fast model for long documents", MaxTokens: 8192, ContextWindow: 131072},
	{ID: "@cf/deepseek-ai/deepseek-r1-distill-qwen-32b", Name: "DeepSeek R1 Distill 32B", Provider: "DeepSeek", Tier: Professional, Description: "Reasoning model for analysis", MaxTokens: 8192, ContextWindow: 80000},
	{ID: "@cf/qwen/qwen2.5-coder-32b-instruct", Name: "Qwen 2.5 Coder 32B", Provider: "Qwen", Tier: Professional, Description: "Code and data work", MaxTokens: 8192, ContextWindow: 32768},
	{ID: "@cf/openai/gpt-oss-120b", Name: "GPT-OSS 120B", Provider: "OpenAI", Tier: Enterprise, Description: "The most capable open-weight model", MaxTokens: 8192, ContextWindow: 131072, Recommended: true},
	{ID: "@cf/meta/llama-3.3-70b-instruct-fp8-fast", Name: "Llama 3.3 70B", Provider: "Meta", Tier: Enterprise, Description: "Large general model, fast", MaxTokens: 8192, ContextWindow: 131072},
	{ID: "@cf/qwen/qwen3-30b-a3b-fp8", Name: "Qwen3 30B", Provider: "Qwen", Tier: Enterprise, Description: "Mixture-of-experts model with thinking mode", MaxTokens: 8192, ContextWindow: 32768},
	{ID: "@cf/ibm-granite/granite-4.0-h-micro", Name: "Granite 4.0 Micro", Provider: "IBM", Tier: Enterprise, Description: "Compact enterprise model", MaxTokens: 8192, ContextWindow: 131072},
}
