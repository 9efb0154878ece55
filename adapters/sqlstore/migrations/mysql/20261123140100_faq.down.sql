DROP TABLE IF EXISTS knowledge_base;
