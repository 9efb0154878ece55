package mpi

// variantGroups is the normaliser's curated list of West African spelling
// variants: in each group the first word is the canonical form and every
// other word a variant of it, all already folded (lower-case ASCII).
//
// Source: a hand-made list of common variants, compiled for Kente; it is
// not taken from a published dataset. What it rests on:
//   - the §4.5 examples of the Oomus platform (Ibrahima/Ibrahim/Brahim/
//     Braima, Mamadou Lamine), and the spellings the same Arabic-origin
//     name takes in French-based (Senegal, Mali, Guinea, Côte d'Ivoire,
//     Niger), English-based (Nigeria, Ghana, The Gambia, Sierra Leone) and
//     Hausa/Fula romanisations (Mohammed/Muhammad/Mamadou, Abdoulaye/
//     Abdullahi, Ousmane/Usman, Aminata/Aminatou, Boubacar/Abubakar);
//   - the Akan day names in their Twi, Fante, Ewe and Baoulé forms
//     (Kwabena/Kobina/Kwabla, Kwasi/Kwesi/Kossi/Kouassi, Kojo/Kwadwo/Kodjo/
//     Kouadio, ...), a naming system documented in general references on
//     Akan culture;
//   - Senegambian surname pairs where The Gambia's English spelling differs
//     from Senegal's French one (Diop/Jobe, Ndiaye/Njie, Diallo/Jallow,
//     Cissé/Ceesay, Touré/Touray, Traoré/Trawally, Dramé/Drammeh).
//
// A word may appear in one group only (a test checks). The synthetic test
// data in mpitest has its own, separate lists, so the linkage test does not
// grade this list against itself.
var variantGroups = [...][]string{
	// Arabic-origin given names.
	{"mohammed", "muhammad", "mohamed", "mohammad", "muhammed", "mohamad", "mouhamed", "mouhamadou", "mamadou", "mamadu", "mahamadou", "muhammadu", "mohamadou", "momodou", "modou", "mamudu"},
	{"ahmed", "ahmad", "amadou", "amadu", "ahmadou", "hamadou", "ahmadu"},
	{"ibrahim", "ibrahima", "brahim", "braima", "ibrahimah", "iburahim", "ebrahim"},
	{"abdullahi", "abdoulaye", "abdullah", "abdallah", "abdoulahi", "abdulai", "abdulla", "abdoulai"},
	{"abdulrahman", "abdourahmane", "abdurrahman", "abderrahmane", "abdulrahaman"},
	{"abdulkadir", "abdoulkader", "abdelkader", "abdulkadiri"},
	{"abdul", "abdoul", "abdou"},
	{"usman", "ousmane", "osman", "usmanu", "ousman", "othman", "uthman", "usuman"},
	{"umar", "oumar", "omar", "oumarou", "umaru", "omaru"},
	{"musa", "moussa", "mousa", "mussa"},
	{"sulaiman", "souleymane", "suleiman", "sulemana", "souleimane", "suleman", "soulemane", "sulayman"},
	{"abubakar", "boubacar", "aboubacar", "abubakr", "bubakar", "boubakar", "abubakari", "aboubakar"},
	{"alhassan", "alassane", "lassana", "alhasan", "alasan"},
	{"idris", "idrissa", "idrisu", "idrissou"},
	{"yakubu", "yacouba", "yaqub", "yakouba", "yacoub", "yaqoub"},
	{"seidu", "seydou", "saidu", "sedu", "seydu"},
	{"dauda", "daouda", "dawuda", "dawud", "dawda"},
	{"lamin", "lamine", "alamin", "lamina"},
	{"husseini", "ousseini", "usseini", "housseini", "hussaini"},
	{"adamu", "adama", "adam"},
	{"sheikh", "cheikh", "shehu", "seikh", "cheick"},
	{"yusuf", "youssouf", "yousouf", "yusufu", "youssef"},
	{"ismail", "ismaila", "ismael"},
	{"aminata", "aminatou", "aminat", "aminatu"},
	{"fatoumata", "fatimata", "fatima", "fatuma", "fatimatou", "fatoumatta", "fatimah"},
	{"mariama", "mariam", "maryam", "mariatou", "mariame", "mariamah"},
	{"aisha", "aissatou", "aissata", "aishatu", "aicha", "ayisha", "aishat", "aisatu", "aysha"},
	{"khadija", "khadidiatou", "kadiatou", "hadiza", "hadija", "khadidja", "kadidia", "kadijatu"},
	{"hawa", "awa", "hauwa"},
	{"zainab", "zeinab", "zenabou", "zeynab", "zainabu"},
	{"ramatu", "ramatou", "ramata"},
	// Akan day names (Twi, Fante, Ewe, Baoulé forms), male then female.
	{"kwasi", "kwesi", "akwasi", "kossi", "kouassi", "kwessi", "kwashie", "quarshie"},
	{"kwadwo", "kojo", "kodjo", "kwadjo", "kouadio", "cudjoe", "kodzo"},
	{"kwabena", "kobina", "kobena", "kwebena", "kwabla", "komla"},
	{"kwaku", "kweku", "kuuku", "kokou", "kouakou", "kwaaku"},
	{"yaw", "yao", "ekow", "yawo"},
	{"kofi", "koffi", "fiifi", "kofie"},
	{"kwame", "kwamena", "kwamina", "kwami", "kouame", "komi"},
	{"akosua", "esi", "akossiwa", "akos"},
	{"adwoa", "adjoa", "ajoa", "adjua", "adzo", "adjowa"},
	{"abena", "abenaa", "abla", "ablavi"},
	{"akua", "akuba", "akuah", "kukua", "akouvi"},
	{"yaa", "yawa", "aba"},
	{"afua", "efua", "afia", "efia", "afiwa"},
	{"ama", "amma", "amba"},
	// Yoruba spellings with and without the sh for ṣ.
	{"sola", "shola"},
	{"sade", "shade"},
	{"segun", "shegun"},
	// Senegambian and Sahelian surnames.
	{"diop", "jobe", "job"},
	{"ndiaye", "njie", "ndiay", "njai"},
	{"diallo", "jallow", "jalloh", "djalo", "jallo", "dialo"},
	{"cisse", "ceesay", "sisay", "sisse", "cissey"},
	{"toure", "touray", "ture", "turay"},
	{"traore", "trawally", "tarawally", "tarawali"},
	{"drame", "drammeh"},
	{"camara", "kamara"},
	{"keita", "keyta", "kaita"},
	{"coulibaly", "kulibali", "kulibaly"},
	{"diarra", "jarra", "diara"},
	{"sylla", "silla", "sila"},
	{"kante", "kanteh"},
	{"balde", "baldeh"},
	{"ba", "bah"},
	{"barry", "bari", "barrie"},
	{"sow", "sowe"},
	{"mbaye", "mbye"},
	{"faye", "fye"},
	{"gueye", "gaye"},
	{"diouf", "jouf"},
	{"sanneh", "sane"},
}

// variantTable maps each variant to its canonical word. It is built once
// and only read.
var variantTable = func() map[string]string {
	m := make(map[string]string, 512)
	for _, g := range variantGroups {
		for _, w := range g[1:] {
			m[Fold(w)] = g[0]
		}
	}
	return m
}()
