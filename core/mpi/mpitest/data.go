package mpitest

// The generator's own name data: written for the synthetic dataset,
// separately from core/mpi's normaliser list (some spellings here are
// deliberately absent from it, e.g. Mouhammadou, Kwabina, Ousumane).

type country struct {
	code, dial string
	regions    []string
	surnames   []string
}

var countries = []country{
	{"SN", "+221", []string{"DKR", "THI", "ZIG", "SLO", "KAO", "TAM"}, []string{"Diop", "Ndiaye", "Fall", "Sow", "Diallo", "Ba", "Gueye", "Faye", "Sarr", "Mbaye", "Cisse", "Sy", "Diouf", "Kane", "Thiam", "Seck", "Niang", "Dieng", "Sene", "Toure", "Wade", "Sall", "Camara", "Mendy", "Badji", "Diatta", "Sagna", "Ndour", "Gaye", "Lo"}},
	{"GH", "+233", []string{"ACC", "KSI", "TAM", "CCT", "HOH", "SUN"}, []string{"Mensah", "Owusu", "Boateng", "Asante", "Osei", "Addo", "Appiah", "Agyei", "Darko", "Ofori", "Amoah", "Quaye", "Tetteh", "Lamptey", "Nkrumah", "Adjei", "Bonsu", "Sarpong", "Frimpong", "Opoku", "Acheampong", "Danso", "Ampofo", "Kuffour", "Agyeman", "Ansah", "Yeboah", "Gyamfi", "Amponsah", "Sackey"}},
	{"NG", "+234", []string{"LAG", "KAN", "ABJ", "IBD", "KAD", "ENU"}, []string{"Adeyemi", "Okafor", "Bello", "Abubakar", "Ibrahim", "Okonkwo", "Adebayo", "Ogunleye", "Eze", "Nwosu", "Usman", "Lawal", "Balogun", "Oyelaran", "Danjuma", "Garba", "Aliyu", "Chukwu", "Olatunji", "Adewale", "Yusuf", "Suleiman", "Akinola", "Obi", "Musa", "Onyeka", "Babatunde", "Salisu", "Ogbu", "Idowu"}},
	{"ML", "+223", []string{"BKO", "SEG", "MPT", "KYS", "SIK", "GAO"}, []string{"Traore", "Coulibaly", "Keita", "Diarra", "Konate", "Sangare", "Dembele", "Kone", "Sissoko", "Maiga", "Toure", "Diakite", "Doumbia", "Kante", "Sidibe", "Samake", "Ballo", "Fofana", "Cisse", "Camara"}},
	{"GM", "+220", []string{"BJL", "KMC", "BRK", "JNJ", "BSE", "LRR"}, []string{"Jallow", "Ceesay", "Jobe", "Njie", "Touray", "Sanneh", "Bah", "Drammeh", "Jammeh", "Sowe", "Darboe", "Manneh", "Conteh", "Barry", "Kinteh", "Colley", "Saidy", "Bojang", "Sonko", "Fatty"}},
}

var maleNames = []string{
	"Mamadou", "Ibrahima", "Abdoulaye", "Ousmane", "Moussa", "Cheikh", "Modou", "Alioune", "Babacar", "Pape",
	"Kwame", "Kofi", "Kwabena", "Kwaku", "Yaw", "Kwasi", "Kojo", "Kwadwo", "Emmanuel", "Samuel",
	"Oluwaseun", "Chinedu", "Emeka", "Tunde", "Abubakar", "Musa", "Sani", "Yusuf", "Usman", "Babajide",
	"Seydou", "Boubacar", "Adama", "Bakary", "Lamine", "Souleymane", "Issa", "Drissa", "Amadou", "Sekou",
	"Ebrima", "Lamin", "Alhagie", "Momodou", "Omar", "Sheriff", "Pa", "Ismaila", "Saikou", "Foday",
	"Daniel", "Joseph", "Michael", "Isaac", "Godfred", "Prince", "Ekow", "Nana", "Fiifi", "Kweku",
	"Ahmed", "Idrissa", "Mahamadou", "Daouda", "Habib", "Assane", "Malick", "Serigne", "Demba", "Samba",
}

var femaleNames = []string{
	"Fatou", "Aminata", "Mariama", "Awa", "Aissatou", "Khady", "Ndeye", "Coumba", "Astou", "Rokhaya",
	"Ama", "Akua", "Abena", "Adwoa", "Yaa", "Afua", "Akosua", "Efua", "Esi", "Adjoa",
	"Ngozi", "Chiamaka", "Funmilayo", "Folake", "Aisha", "Hadiza", "Zainab", "Halima", "Blessing", "Yetunde",
	"Fatoumata", "Oumou", "Kadiatou", "Assitan", "Rokia", "Salimata", "Djeneba", "Nana", "Bintou", "Hawa",
	"Isatou", "Binta", "Haddy", "Jainaba", "Ramatoulie", "Sainabou", "Mariatou", "Kumba", "Ida", "Neneh",
	"Grace", "Mercy", "Comfort", "Abigail", "Gifty", "Patience", "Esther", "Ruth", "Dorcas", "Victoria",
	"Maimouna", "Seynabou", "Dieynaba", "Penda", "Marieme", "Sokhna", "Adama", "Kine", "Yacine", "Nafissatou",
}

// spellings are transliteration groups the generator draws from: other
// ways the same name is written. Kept apart from core/mpi's variant list.
var spellings = [][]string{
	{"Mamadou", "Mohamed", "Muhammad", "Mouhammadou", "Mohammed"},
	{"Momodou", "Modou", "Mamadou"},
	{"Ibrahima", "Ibrahim", "Brahim", "Ebrima"},
	{"Abdoulaye", "Abdullahi", "Abdulai"},
	{"Ousmane", "Usman", "Ousumane", "Osman"},
	{"Moussa", "Musa"},
	{"Cheikh", "Sheikh", "Cheick"},
	{"Boubacar", "Abubakar", "Aboubakar"},
	{"Seydou", "Seidou", "Saidu"},
	{"Daouda", "Dauda", "Dawda"},
	{"Lamine", "Lamin"},
	{"Souleymane", "Suleiman", "Sulayman"},
	{"Amadou", "Ahmadou", "Ahmed"},
	{"Idrissa", "Idris"},
	{"Ismaila", "Ismail"},
	{"Yusuf", "Youssouf"},
	{"Kwabena", "Kobina", "Kwabina"},
	{"Kwasi", "Kwesi", "Kouassi"},
	{"Kwaku", "Kweku", "Kouakou"},
	{"Kojo", "Kwadwo", "Kodjo"},
	{"Kofi", "Koffi"},
	{"Kwame", "Kwamena", "Kouame"},
	{"Yaw", "Yao", "Ekow"},
	{"Aminata", "Aminatou", "Aminatta"},
	{"Fatoumata", "Fatimata", "Fatumata"},
	{"Mariama", "Mariam", "Mariatou"},
	{"Aissatou", "Aisha", "Aishatu", "Isatou"},
	{"Kadiatou", "Khadija", "Hadiza"},
	{"Hawa", "Awa"},
	{"Zainab", "Zeinab", "Seynabou"},
	{"Adwoa", "Adjoa", "Adjowa"},
	{"Afua", "Efua", "Afia"},
	{"Akua", "Akuba"},
	{"Diallo", "Jallow", "Jalloh"},
	{"Diop", "Jobe"},
	{"Ndiaye", "Njie", "N'Diaye"},
	{"Cisse", "Ceesay", "Cissé"},
	{"Toure", "Touray", "Touré"},
	{"Traore", "Traoré", "Trawally"},
	{"Camara", "Kamara"},
	{"Keita", "Keïta"},
	{"Coulibaly", "Kulibaly"},
	{"Sene", "Sène"},
	{"Ba", "Bah"},
	{"Sow", "Sowe"},
	{"Quaye", "Kwei"},
	{"Adebayo", "Adébáyọ̀"},
	{"Okonkwo", "Okonkwọ"},
	{"Sanneh", "Sané"},
	{"Drammeh", "Dramé"},
}
